//! Predicates on values that several stages share (the file walker names facts folders by
//! server id; checks validate ids).

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
