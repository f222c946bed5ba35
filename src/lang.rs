//! The language of what is printed: chosen once per run, read by every stage
//! that words something (rule texts, reports, the tool's own phrases).

/// The language of what is printed; rule ids, JSON keys and exit codes stay.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    #[default]
    En,
    #[value(name = "zh-CN", alias = "zh")]
    ZhCn,
}

static CURRENT: std::sync::OnceLock<Lang> = std::sync::OnceLock::new();

impl Lang {
    /// The run's language, chosen once at start-up (English until then, and in tests).
    pub fn current() -> Lang {
        CURRENT.get().copied().unwrap_or_default()
    }

    /// Choose the run's language (the first choice stands).
    pub fn set(lang: Lang) {
        let _ = CURRENT.set(lang);
    }

    /// `--lang`, else `IMS_PREFLIGHT_LANG`, else the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`):
    /// Chinese for `zh*`, English otherwise.
    pub fn select(given: Option<Lang>) -> Lang {
        if let Some(lang) = given {
            return lang;
        }
        let from = |value: &str| {
            if value.to_ascii_lowercase().starts_with("zh") {
                Lang::ZhCn
            } else {
                Lang::En
            }
        };
        if let Ok(v) = std::env::var("IMS_PREFLIGHT_LANG")
            && !v.is_empty()
        {
            return from(&v);
        }
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
            .map_or(Lang::En, |v| from(&v))
    }
}

/// A text of the tool's own (not a rule's) in the run's language.
pub fn say(en: &'static str, zh: &'static str) -> &'static str {
    match Lang::current() {
        Lang::En => en,
        Lang::ZhCn => zh,
    }
}

/// A text of the tool's own made from values, in the run's language: only the one chosen is
/// made.
pub fn pick(en: impl FnOnce() -> String, zh: impl FnOnce() -> String) -> String {
    match Lang::current() {
        Lang::En => en(),
        Lang::ZhCn => zh(),
    }
}

/// The words schema findings use for types and YAML 1.1 readings ("a string", "one of a, b",
/// "the boolean false": a closed set), in the run's language.
pub fn type_words(en: &str) -> String {
    if Lang::current() == Lang::En {
        return en.to_string();
    }
    if let Some(values) = en.strip_prefix("one of ") {
        return format!("{values}之一");
    }
    let zh = match en {
        "a string" => "字符串",
        "a boolean (true or false)" => "布尔值（true或false）",
        "a boolean" => "布尔值",
        "a string or null" => "字符串或null",
        "a list of strings" => "字符串列表",
        "a list of mappings" => "映射列表",
        "a list" => "列表",
        "a mapping" => "映射",
        "any value" => "任意值",
        "an integer" => "整数",
        "a number" => "数字",
        "the boolean true" => "布尔值true",
        "the boolean false" => "布尔值false",
        "an octal number" => "八进制数",
        "a base-60 number" => "六十进制数",
        other => other,
    };
    zh.to_string()
}

/// How the run's language names a kind of entity (`server`, as JSON says it) in a sentence:
/// "server", "云服务器". A kind it does not know is said as it is.
pub fn kind_word(kind: &str) -> &str {
    match kind {
        "server" => say("server", "云服务器"),
        "backup" => say("backup", "备份"),
        "volume" => say("volume", "卷"),
        "request" => say("request", "请求"),
        "operation" => say("operation", "操作"),
        "entity" => say("entity", "对象"),
        other => other,
    }
}

/// What a message adds after a name it does not know, after `lead` (its punctuation in each
/// language: `[", ", "，"]`): ", did you mean `x`?".
pub fn did_you_mean(lead: [&'static str; 2], meant: &str) -> String {
    let lead = say(lead[0], lead[1]);
    pick(
        || format!("{lead}did you mean `{meant}`?"),
        || format!("{lead}是否想写`{meant}`？"),
    )
}

/// Why a file nested deeper than the limit is refused.
pub fn nesting_deeper_than(max_depth: usize) -> String {
    pick(
        || format!("nesting deeper than {max_depth} levels"),
        || format!("嵌套超过{max_depth}层"),
    )
}
