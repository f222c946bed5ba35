//! Wrapping text to the terminal: only at spaces outside inline code, never inside
//! a word (a command, path or UUID longer than the width stands alone on its line).

/// Words for wrapping: text breaks only at spaces outside inline code, so a `command with
/// spaces`, a path or a UUID is never split; one longer than the width stands
/// alone on its line.
pub fn words_outside_code(line: &str) -> Box<dyn Iterator<Item = textwrap::core::Word<'_>> + '_> {
    let mut words = Vec::new();
    let mut start = 0;
    let mut in_code = false;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '`' => in_code = !in_code,
            ' ' if !in_code => {
                let mut end = i + 1;
                while let Some(&(j, ' ')) = chars.peek() {
                    end = j + 1;
                    chars.next();
                }
                words.push(textwrap::core::Word::from(&line[start..end]));
                start = end;
            }
            // Chinese text has no spaces: it may break after any wide character.
            c if !in_code && textwrap::core::display_width(c.encode_utf8(&mut [0; 4])) > 1 => {
                if start < i {
                    words.push(textwrap::core::Word::from(&line[start..i]));
                }
                let end = i + c.len_utf8();
                words.push(textwrap::core::Word::from(&line[start.max(i)..end]));
                start = end;
            }
            _ => {}
        }
    }
    if start < line.len() {
        words.push(textwrap::core::Word::from(&line[start..]));
    }
    Box::new(words.into_iter())
}

/// Lines longer than `width` wrapped, each continuation indented like its line (and past a
/// list number: `  1. `).
pub fn wrap(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.lines() {
        if textwrap::core::display_width(line) <= width {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let indent = &line[..line.len() - line.trim_start().len()];
        let rest = line.trim_start();
        let number = rest
            .split_once(". ")
            .filter(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            .map_or(0, |(n, _)| n.len() + 2);
        let subsequent = format!("{indent}{}", " ".repeat(number));
        let options = textwrap::Options::new(width)
            .initial_indent(indent)
            .subsequent_indent(&subsequent)
            .break_words(false)
            .word_splitter(textwrap::WordSplitter::NoHyphenation)
            .word_separator(textwrap::WordSeparator::Custom(words_outside_code));
        for piece in textwrap::wrap(rest, &options) {
            out.push_str(&piece);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_spaces_outside_code_only() {
        let text = "  1. Run `hcloud ECS ShowServer --cli-region=<region>` then check 877a2cda-ba63-4e1e-b95f-e67e48b6129a and re-run the check now";
        let wrapped = wrap(text, 40);
        assert!(
            wrapped.contains("`hcloud ECS ShowServer --cli-region=<region>`"),
            "{wrapped}"
        );
        assert!(
            wrapped.contains("877a2cda-ba63-4e1e-b95f-e67e48b6129a"),
            "{wrapped}"
        );
        assert!(
            wrapped.lines().skip(1).all(|l| l.starts_with("     ")),
            "{wrapped}"
        );
        // CJK counts two columns a character.
        let zh = "云服务器的系统盘不能位于专属分布式存储上，请先备份数据再迁移到普通云硬盘。";
        assert!(
            wrap(zh, 30)
                .lines()
                .all(|l| textwrap::core::display_width(l) <= 30)
        );
    }
}
