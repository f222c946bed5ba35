//! The functions of Terraform's language that whole-image configurations use to build names,
//! descriptions, tags and lists, as Terraform defines them. A call to any other is unknown,
//! not guessed (see `eval`).

use hcl::Value;
use hcl::eval::{FuncArgs, FuncDef, ParamType};

use super::eval::{number_of, text};

pub fn all() -> Vec<(&'static str, FuncDef)> {
    let string = |f: hcl::eval::Func| FuncDef::builder().param(ParamType::String).build(f);
    let number = |f: hcl::eval::Func| FuncDef::builder().param(ParamType::Any).build(f);
    let two_strings = |f: hcl::eval::Func| {
        FuncDef::builder()
            .params([ParamType::String, ParamType::String])
            .build(f)
    };
    vec![
        (
            "lower",
            string(|a| Ok(Value::from(arg_str(&a, 0).to_lowercase()))),
        ),
        (
            "upper",
            string(|a| Ok(Value::from(arg_str(&a, 0).to_uppercase()))),
        ),
        (
            "trimspace",
            string(|a| Ok(Value::from(arg_str(&a, 0).trim()))),
        ),
        (
            "tostring",
            FuncDef::builder().param(ParamType::Any).build(|a| {
                text(&a[0])
                    .map(Value::from)
                    .ok_or_else(|| "not a primitive value".to_string())
            }),
        ),
        (
            "tonumber",
            FuncDef::builder()
                .param(ParamType::Any)
                .build(|a| match &a[0] {
                    Value::Number(_) => Ok(a[0].clone()),
                    Value::String(s) => match s.parse::<f64>() {
                        Ok(f) => Ok(number_of(s).unwrap_or_else(|| Value::from(f))),
                        Err(e) => Err(e.to_string()),
                    },
                    _ => Err("not a number".to_string()),
                }),
        ),
        (
            "join",
            FuncDef::builder()
                .param(ParamType::String)
                .variadic_param(ParamType::Array(Box::new(ParamType::Any)))
                .build(|a| {
                    let sep = arg_str(&a, 0);
                    let mut parts = Vec::new();
                    for list in a.iter().skip(1) {
                        for v in list.as_array().into_iter().flatten() {
                            parts.push(text(v).ok_or("join: not a string")?);
                        }
                    }
                    Ok(Value::from(parts.join(&sep)))
                }),
        ),
        (
            "concat",
            FuncDef::builder()
                .variadic_param(ParamType::Array(Box::new(ParamType::Any)))
                .build(|a| {
                    Ok(Value::Array(
                        a.iter()
                            .flat_map(|l| l.as_array().cloned().unwrap_or_default())
                            .collect(),
                    ))
                }),
        ),
        (
            "tolist",
            FuncDef::builder()
                .param(ParamType::Any)
                .build(|a| Ok(a[0].clone())),
        ),
        (
            "toset",
            FuncDef::builder().param(ParamType::Any).build(|a| {
                let mut out: Vec<Value> = Vec::new();
                for v in a[0].as_array().into_iter().flatten() {
                    if !out.contains(v) {
                        out.push(v.clone());
                    }
                }
                // A set has no order of its own: Terraform lists one of strings sorted.
                if out.iter().all(|v| matches!(v, Value::String(_))) {
                    out.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
                }
                Ok(Value::Array(out))
            }),
        ),
        (
            "tomap",
            FuncDef::builder().param(ParamType::Any).build(|a| {
                // A map's keys in Terraform's order (lexical), which `for` and `join` see.
                let mut map = a[0].clone();
                if let Value::Object(m) = &mut map {
                    m.sort_keys();
                }
                Ok(map)
            }),
        ),
        (
            "length",
            FuncDef::builder()
                .param(ParamType::Any)
                .build(|a| match &a[0] {
                    Value::Array(v) => Ok(Value::from(v.len() as u64)),
                    Value::Object(m) => Ok(Value::from(m.len() as u64)),
                    Value::String(s) => Ok(Value::from(s.chars().count() as u64)),
                    _ => Err("length: not a collection".to_string()),
                }),
        ),
        (
            "merge",
            FuncDef::builder()
                .variadic_param(ParamType::Any)
                .build(|a| {
                    let mut out = hcl::Map::new();
                    for m in a.iter() {
                        match m {
                            Value::Object(m) => out.extend(m.clone()),
                            Value::Null => {}
                            _ => return Err("merge: not an object".to_string()),
                        }
                    }
                    // In Terraform's order of keys (lexical), not in the order they came.
                    out.sort_keys();
                    Ok(Value::Object(out))
                }),
        ),
        (
            "lookup",
            FuncDef::builder()
                .param(ParamType::Any)
                .param(ParamType::String)
                .variadic_param(ParamType::Any)
                .build(|a| {
                    let key = arg_str(&a, 1);
                    match a[0].as_object().and_then(|m| m.get(&key)) {
                        Some(v) => Ok(v.clone()),
                        None => a
                            .get(2)
                            .cloned()
                            .ok_or_else(|| format!("lookup: no key `{key}`")),
                    }
                }),
        ),
        (
            "coalesce",
            FuncDef::builder()
                .variadic_param(ParamType::Any)
                .build(|a| {
                    a.iter()
                        .find(|v| !v.is_null() && v.as_str() != Some(""))
                        .cloned()
                        .ok_or_else(|| "coalesce: no non-empty value".to_string())
                }),
        ),
        (
            "replace",
            FuncDef::builder()
                .params([ParamType::String, ParamType::String, ParamType::String])
                .build(|a| {
                    let (s, from, to) = (arg_str(&a, 0), arg_str(&a, 1), arg_str(&a, 2));
                    if from.len() > 1 && from.starts_with('/') && from.ends_with('/') {
                        return Err("replace: regular expressions are not evaluated".to_string());
                    }
                    Ok(Value::from(s.replace(&from, &to)))
                }),
        ),
        (
            "substr",
            FuncDef::builder()
                .params([ParamType::String, ParamType::Number, ParamType::Number])
                .build(|a| {
                    let s: Vec<char> = arg_str(&a, 0).chars().collect();
                    // A negative offset counts from the end, as Terraform's does.
                    let len = s.len() as i64;
                    let offset = a[1].as_i64().unwrap_or(0);
                    let offset = if offset < 0 { offset + len } else { offset };
                    let offset = offset.clamp(0, len) as usize;
                    let length = a[2].as_i64().unwrap_or(-1);
                    let end = if length < 0 {
                        s.len()
                    } else {
                        (offset + length as usize).min(s.len())
                    };
                    Ok(Value::from(s[offset..end].iter().collect::<String>()))
                }),
        ),
        (
            "format",
            FuncDef::builder()
                .param(ParamType::String)
                .variadic_param(ParamType::Any)
                .build(|a| {
                    let spec = arg_str(&a, 0);
                    let mut out = String::new();
                    let mut args = a.iter().skip(1);
                    let mut chars = spec.chars();
                    while let Some(c) = chars.next() {
                        if c != '%' {
                            out.push(c);
                            continue;
                        }
                        if chars.clone().next() == Some('%') {
                            chars.next();
                            out.push('%');
                            continue;
                        }
                        // Flags and width as Go's fmt (and so Terraform) reads them: `%03d`,
                        // `%-8s`, `%5v`.
                        let mut flags = String::new();
                        while let Some(f) = chars.clone().next().filter(|f| "-0+ ".contains(*f)) {
                            flags.push(f);
                            chars.next();
                        }
                        let mut width = 0usize;
                        while let Some(d) = chars.clone().next().and_then(|d| d.to_digit(10)) {
                            width = width
                                .saturating_mul(10)
                                .saturating_add(d as usize)
                                .min(1024);
                            chars.next();
                        }
                        let verb = chars.next();
                        let v = args.next().ok_or("format: too few arguments")?;
                        let piece = match verb {
                            Some('s' | 'v') => text(v).ok_or("format: not a primitive value")?,
                            Some('d') => v
                                .as_i64()
                                .map(|n| {
                                    if flags.contains('+') && n >= 0 {
                                        format!("+{n}")
                                    } else if flags.contains(' ') && n >= 0 {
                                        format!(" {n}")
                                    } else {
                                        n.to_string()
                                    }
                                })
                                .ok_or("format: %d needs a whole number")?,
                            _ => return Err("format: only %s, %d and %v are evaluated".to_string()),
                        };
                        out.push_str(&pad(piece, width, &flags, verb == Some('d')));
                    }
                    Ok(Value::from(out))
                }),
        ),
        (
            "element",
            FuncDef::builder()
                .params([
                    ParamType::Array(Box::new(ParamType::Any)),
                    ParamType::Number,
                ])
                .build(|a| {
                    let list = a[0].as_array().ok_or("element: not a list")?;
                    if list.is_empty() {
                        return Err("element: empty list".to_string());
                    }
                    let i = a[1]
                        .as_u64()
                        .ok_or("element: a negative index, which Terraform refuses")?
                        as usize
                        % list.len();
                    Ok(list[i].clone())
                }),
        ),
        (
            "split",
            two_strings(|a| {
                let (sep, s) = (arg_str(&a, 0), arg_str(&a, 1));
                if s.is_empty() {
                    return Ok(Value::Array(vec![Value::from("")]));
                }
                Ok(Value::Array(
                    s.split(sep.as_str()).map(Value::from).collect(),
                ))
            }),
        ),
        (
            "trimprefix",
            two_strings(|a| {
                let (s, prefix) = (arg_str(&a, 0), arg_str(&a, 1));
                Ok(Value::from(s.strip_prefix(prefix.as_str()).unwrap_or(&s)))
            }),
        ),
        (
            "trimsuffix",
            two_strings(|a| {
                let (s, suffix) = (arg_str(&a, 0), arg_str(&a, 1));
                Ok(Value::from(s.strip_suffix(suffix.as_str()).unwrap_or(&s)))
            }),
        ),
        (
            "max",
            FuncDef::builder()
                .variadic_param(ParamType::Number)
                .build(|a| extreme(&a, |x, y| x > y)),
        ),
        (
            "min",
            FuncDef::builder()
                .variadic_param(ParamType::Number)
                .build(|a| extreme(&a, |x, y| x < y)),
        ),
        (
            "one",
            FuncDef::builder().param(ParamType::Any).build(|a| {
                match a[0].as_array().ok_or("one: not a list")?.as_slice() {
                    [] => Ok(Value::Null),
                    [v] => Ok(v.clone()),
                    _ => Err("one: more than one element".to_string()),
                }
            }),
        ),
        (
            "keys",
            FuncDef::builder().param(ParamType::Any).build(|a| {
                let map = a[0].as_object().ok_or("keys: not a map")?;
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                Ok(Value::Array(
                    keys.into_iter().map(|k| Value::from(k.as_str())).collect(),
                ))
            }),
        ),
        (
            "values",
            FuncDef::builder().param(ParamType::Any).build(|a| {
                a[0].as_object().ok_or("values: not a map")?;
                elements_of(&a[0])
                    .map(Value::Array)
                    .ok_or_else(|| "values: not a map".to_string())
            }),
        ),
        (
            "flatten",
            FuncDef::builder().param(ParamType::Any).build(|a| {
                fn flat(v: &Value, out: &mut Vec<Value>, depth: usize) -> Result<(), String> {
                    match v {
                        Value::Array(items) if depth < 32 => {
                            for item in items {
                                flat(item, out, depth + 1)?;
                            }
                            Ok(())
                        }
                        Value::Array(_) => Err("flatten: nested too deep".to_string()),
                        other => {
                            out.push(other.clone());
                            Ok(())
                        }
                    }
                }
                let mut out = Vec::new();
                for item in a[0].as_array().ok_or("flatten: not a list")? {
                    flat(item, &mut out, 0)?;
                }
                Ok(Value::Array(out))
            }),
        ),
        (
            "distinct",
            FuncDef::builder().param(ParamType::Any).build(|a| {
                let mut out: Vec<Value> = Vec::new();
                for v in a[0].as_array().ok_or("distinct: not a list")? {
                    if !out.contains(v) {
                        out.push(v.clone());
                    }
                }
                Ok(Value::Array(out))
            }),
        ),
        (
            "compact",
            FuncDef::builder().param(ParamType::Any).build(|a| {
                let list = a[0].as_array().ok_or("compact: not a list")?;
                Ok(Value::Array(
                    list.iter()
                        .filter(|v| !v.is_null() && v.as_str() != Some(""))
                        .cloned()
                        .collect(),
                ))
            }),
        ),
        (
            "contains",
            FuncDef::builder()
                .params([ParamType::Array(Box::new(ParamType::Any)), ParamType::Any])
                .build(|a| {
                    Ok(Value::from(
                        a[0].as_array().is_some_and(|l| l.contains(&a[1])),
                    ))
                }),
        ),
        (
            "trim",
            two_strings(|a| {
                let cut = arg_str(&a, 1);
                Ok(Value::from(
                    arg_str(&a, 0).trim_matches(|c| cut.contains(c)),
                ))
            }),
        ),
        (
            "chomp",
            string(|a| Ok(Value::from(arg_str(&a, 0).trim_end_matches(['\r', '\n'])))),
        ),
        ("title", string(|a| title(&arg_str(&a, 0)).map(Value::from))),
        (
            "strrev",
            string(|a| {
                // Terraform reverses grapheme clusters (a letter with its accents, an emoji
                // with its modifiers): only plain ASCII text is reversed here, else unknown.
                let text = arg_str(&a, 0);
                if !text.is_ascii() {
                    return Err("strrev: text that is not ASCII".to_string());
                }
                Ok(Value::from(text.chars().rev().collect::<String>()))
            }),
        ),
        (
            "startswith",
            two_strings(|a| Ok(Value::Bool(arg_str(&a, 0).starts_with(&arg_str(&a, 1))))),
        ),
        (
            "endswith",
            two_strings(|a| Ok(Value::Bool(arg_str(&a, 0).ends_with(&arg_str(&a, 1))))),
        ),
        (
            "sort",
            FuncDef::builder().param(ParamType::Any).build(|a| {
                let mut items = a[0]
                    .as_array()
                    .ok_or("sort: not a list")?
                    .iter()
                    .map(|v| text(v).ok_or("sort: not a list of strings"))
                    .collect::<Result<Vec<String>, _>>()?;
                items.sort();
                Ok(Value::Array(items.into_iter().map(Value::from).collect()))
            }),
        ),
        (
            "reverse",
            FuncDef::builder().param(ParamType::Any).build(|a| {
                let mut items = a[0].as_array().ok_or("reverse: not a list")?.clone();
                items.reverse();
                Ok(Value::Array(items))
            }),
        ),
        (
            "coalescelist",
            FuncDef::builder()
                .variadic_param(ParamType::Any)
                .build(|a| {
                    a.iter()
                        .find(|v| v.as_array().is_some_and(|l| !l.is_empty()))
                        .cloned()
                        .ok_or_else(|| "coalescelist: no non-empty list".to_string())
                }),
        ),
        (
            "range",
            FuncDef::builder()
                .variadic_param(ParamType::Number)
                .build(range),
        ),
        ("abs", number(|a| of_number(&a, f64::abs))),
        ("ceil", number(|a| of_number(&a, f64::ceil))),
        ("floor", number(|a| of_number(&a, f64::floor))),
    ]
}

/// `piece` padded to `width` characters: on the right with `-`, with zeros after the sign for
/// a number with `0`, else with spaces on the left.
fn pad(piece: String, width: usize, flags: &str, number: bool) -> String {
    let len = piece.chars().count();
    if len >= width {
        return piece;
    }
    let fill = width - len;
    if flags.contains('-') {
        format!("{piece}{}", " ".repeat(fill))
    } else if flags.contains('0') && number {
        let (sign, digits) = match piece.strip_prefix(['-', '+']) {
            Some(digits) => (&piece[..1], digits),
            None => ("", piece.as_str()),
        };
        format!("{sign}{}{digits}", "0".repeat(fill))
    } else {
        format!("{}{piece}", " ".repeat(fill))
    }
}

/// The largest (or smallest, as `better` says) of some numbers, as the number it is.
fn extreme(args: &FuncArgs, better: fn(f64, f64) -> bool) -> Result<Value, String> {
    let mut best: Option<&Value> = None;
    for v in args.iter() {
        let x = v.as_f64().ok_or("not a number")?;
        if best.and_then(Value::as_f64).is_none_or(|b| better(x, b)) {
            best = Some(v);
        }
    }
    best.cloned().ok_or_else(|| "no numbers".to_string())
}

/// The elements of a list, or the values of a map in key order (what Terraform's collection
/// functions take).
fn elements_of(v: &Value) -> Option<Vec<Value>> {
    match v {
        Value::Array(items) => Some(items.clone()),
        Value::Object(map) => {
            let mut pairs: Vec<(&String, &Value)> = map.iter().collect();
            pairs.sort_by(|a, b| a.0.cmp(b.0));
            Some(pairs.into_iter().map(|(_, v)| v.clone()).collect())
        }
        _ => None,
    }
}

/// `f` of a number (a string is converted, as Terraform converts it), an integer when it is
/// one.
fn of_number(args: &FuncArgs, f: fn(f64) -> f64) -> Result<Value, String> {
    let x = match &args[0] {
        Value::String(s) => number_of(s).and_then(|n| n.as_f64()),
        other => other.as_f64(),
    }
    .ok_or("not a number")?;
    let y = f(x);
    if y.fract() == 0.0 && y.abs() < 9.0e15 {
        return Ok(Value::from(y as i64));
    }
    hcl::Number::from_f64(y)
        .map(Value::Number)
        .ok_or_else(|| "not a finite number".to_string())
}

/// `range(limit)`, `range(start, limit)`, `range(start, limit, step)`: at most 1 024 values,
/// as Terraform allows.
fn range(args: FuncArgs) -> Result<Value, String> {
    let n: Vec<f64> = args.iter().filter_map(Value::as_f64).collect();
    let (start, limit, step) = match n.as_slice() {
        [limit] => (0.0, *limit, if *limit >= 0.0 { 1.0 } else { -1.0 }),
        [start, limit] => (*start, *limit, if limit >= start { 1.0 } else { -1.0 }),
        [start, limit, step] => (*start, *limit, *step),
        _ => return Err("range: one to three numbers".to_string()),
    };
    if step == 0.0 || (step > 0.0) != (limit >= start) && start != limit {
        return Err("range: the step does not lead to the limit".to_string());
    }
    let count = ((limit - start) / step).ceil().max(0.0);
    if count > 1024.0 {
        return Err("range: more than 1024 values".to_string());
    }
    let values = (0..count as usize)
        .map(|i| start + step * i as f64)
        .map(|x| match hcl::Number::from_f64(x) {
            Some(_) if x.fract() == 0.0 => Value::from(x as i64),
            Some(n) => Value::Number(n),
            None => Value::Null,
        })
        .collect();
    Ok(Value::Array(values))
}

/// Each word's first letter in upper case, as Go's `strings.Title` (Terraform's `title`):
/// a word starts after anything but a letter, a digit or `_`. A word that starts with a
/// letter beyond ASCII is refused (its title case is not always its upper case: `ǆ` is `ǅ`).
fn title(text: &str) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut start = true;
    for c in text.chars() {
        if start && c.is_alphabetic() {
            if !c.is_ascii() {
                return Err("title: a word starts with a letter that is not ASCII".to_string());
            }
            out.push(c.to_ascii_uppercase());
        } else {
            out.push(c);
        }
        start = !(c.is_alphanumeric() || c == '_');
    }
    Ok(out)
}

fn arg_str(args: &FuncArgs, i: usize) -> String {
    args.get(i)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}
