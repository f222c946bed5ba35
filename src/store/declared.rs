//! In debug and test builds, what the running check declared it reads (see
//! `checks::Check::reads`): reading anything else of a pruned entity panics, so a missing
//! declaration fails a test instead of reading as "not stated" (a silent false pass).
//! Release builds keep nothing and check nothing.

#[cfg(debug_assertions)]
use std::cell::RefCell;

/// Of each kind (by name), the top-level fields a check may read; `None`: any field.
pub(crate) type Declared = Vec<(&'static str, Option<Vec<String>>)>;

#[cfg(debug_assertions)]
thread_local! {
    static DECLARED: RefCell<Option<(String, Declared)>> = const { RefCell::new(None) };
}

/// Run `f` (one rule's whole-inventory part, on this thread) with its declared reads.
pub(crate) fn while_declared<R>(rule: &str, declared: &Declared, f: impl FnOnce() -> R) -> R {
    #[cfg(debug_assertions)]
    {
        DECLARED.with(|d| *d.borrow_mut() = Some((rule.to_string(), declared.clone())));
        let result = f();
        DECLARED.with(|d| *d.borrow_mut() = None);
        result
    }
    #[cfg(not(debug_assertions))]
    {
        let _ = (rule, declared);
        f()
    }
}

/// A pruned entity of `kind` is asked for `key`: panics (debug builds) when the running
/// check did not declare it.
pub(crate) fn check(kind: &str, key: &str) {
    #[cfg(debug_assertions)]
    DECLARED.with(|d| {
        if let Some((rule, declared)) = d.borrow().as_ref() {
            let allowed = declared.iter().any(|(k, fields)| {
                *k == kind && fields.as_ref().is_none_or(|f| f.iter().any(|f| f == key))
            });
            assert!(
                allowed,
                "rule `{rule}` reads `{key}` of a pruned {kind}, which its check's `reads()` does not declare"
            );
        }
    });
    #[cfg(not(debug_assertions))]
    let _ = (kind, key);
}

/// A pruned entity of `kind` is asked whether it stated `key` (not for its value): allowed
/// when the running check declared it reads the key or only asks whether it is stated.
pub(crate) fn check_stated(kind: &str, key: &str) {
    #[cfg(debug_assertions)]
    DECLARED.with(|d| {
        if let Some((rule, declared)) = d.borrow().as_ref() {
            let asked = format!("?{key}");
            let allowed = declared.iter().any(|(k, fields)| {
                *k == kind
                    && fields
                        .as_ref()
                        .is_none_or(|f| f.iter().any(|f| *f == key || *f == asked))
            });
            assert!(
                allowed,
                "rule `{rule}` asks whether a pruned {kind} states `{key}`, which its check's `reads()` does not declare"
            );
        }
    });
    #[cfg(not(debug_assertions))]
    let _ = (kind, key);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_declared_field_may_be_read() {
        let declared: Declared = vec![("server", Some(vec!["id".into()])), ("backup", None)];
        while_declared("r", &declared, || {
            check("server", "id");
            check("backup", "anything");
        });
        let read = std::panic::catch_unwind(|| {
            while_declared("r", &declared, || check("server", "disks"))
        });
        assert!(read.is_err(), "an undeclared read must panic");
        DECLARED.with(|d| *d.borrow_mut() = None);
        // Outside any check (the engine's own reads), nothing is checked.
        check("server", "disks");
    }
}
