//! Predicates on values that several stages share, below all of them (the model joins
//! Terraform addresses, checks validate ids, findings shorten them).

/// `true` for a canonical UUID (8-4-4-4-12 hex digits, any case).
pub fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A Chinese character: CJK Unified Ideographs, Extension A, compatibility ideographs, and
/// Extensions B to H (image names and tag keys may hold them).
pub fn is_chinese(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{f900}'..='\u{faff}' | '\u{20000}'..='\u{323af}')
}

/// A Terraform resource or data source address (`huaweicloud_cbr_vault.v`,
/// `module.app.data.huaweicloud_compute_instance.db[0]`): what a reference to an id not known
/// before apply stands for, which joins Terraform entities to each other.
pub fn is_terraform_address(s: &str) -> bool {
    // With several root modules in a run, an address starts with its root's directory.
    bare_terraform_address(s)
        || s.match_indices(':')
            .any(|(i, _)| bare_terraform_address(&s[i + 1..]))
}

fn bare_terraform_address(s: &str) -> bool {
    let mut rest = s;
    while let Some(after) = rest.strip_prefix("module.") {
        let Some(tail) = past_module_call(after) else {
            return false;
        };
        rest = tail;
    }
    let rest = rest.strip_prefix("data.").unwrap_or(rest);
    let Some((ty, name)) = rest.split_once('.') else {
        return false;
    };
    let name = name.split_once('[').map_or(name, |(n, _)| n);
    ty.starts_with("huaweicloud_")
        && ty
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// What follows a module call's name and instance key and the dot after them (`app.x`,
/// `app["web01.example.com"].x`: `x`); `None` for a call with no dot after it, or a stray `]`.
fn past_module_call(s: &str) -> Option<&str> {
    let (i, c, _) = address_chars(s).find(|&(_, c, outside)| outside && matches!(c, '.' | ']'))?;
    (c == '.').then(|| &s[i + 1..])
}

/// Each character of a Terraform address (with its offset), and whether it is outside the
/// instance keys of its modules and resources (`["a.b"]`, `[0]`; a key's quoted text may hold
/// `]`, `.` and escaped quotes).
pub fn address_chars(address: &str) -> impl Iterator<Item = (usize, char, bool)> + '_ {
    let (mut depth, mut quoted, mut escaped) = (0usize, false, false);
    address.char_indices().map(move |(i, c)| {
        let outside = depth == 0 && c != '[';
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' if depth > 0 => quoted = !quoted,
            '[' if !quoted => depth += 1,
            ']' if !quoted => depth = depth.saturating_sub(1),
            _ => {}
        }
        (i, c, outside)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terraform_addresses_are_told_from_ids() {
        for address in [
            "huaweicloud_cbr_vault.v",
            "module.app.huaweicloud_compute_instance.web[0]",
            "data.huaweicloud_compute_instance.db",
            "module.a.module.b.huaweicloud_evs_volume.d[\"x\"]",
            "module.b[\"web01.example.com\"].huaweicloud_compute_instance.web",
            "module.b[\"10.0.0.0/16\"].module.c[0].huaweicloud_compute_instance.web",
            "module.b[\"a\\\"].b\"].huaweicloud_compute_instance.web",
            "infra/prod:huaweicloud_compute_instance.web",
        ] {
            assert!(is_terraform_address(address), "{address}");
        }
        for id in [
            "877a2cda-ba63-4e1e-b95f-e67e48b6129a",
            "web-01",
            "huaweicloud_x",
            "a.b",
        ] {
            assert!(!is_terraform_address(id), "{id}");
        }
    }
}
