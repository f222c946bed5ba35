//! A variable's `type`: Terraform converts the value it is given to it before anything reads
//! it, as `cty` does (`"2048"` for a `number` is 2048, `12.5` for a `string` is `"12.5"`), and
//! an `object(…)` type keeps only the attributes it declares, an `optional(…)` one absent or
//! null taking its default (or null). Reusable modules lean on these defaults: without them a
//! `var.image.min_ram` left to its default would read as missing.

use hcl::{Expression, Value};

use super::eval::{bool_of, number_of, text};

/// A type constraint, as far as it is understood here.
enum Type {
    String,
    Number,
    Bool,
    Any,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Tuple(Vec<Type>),
    Object(Vec<Attribute>),
}

/// An attribute of an object type: its name, type, and for an `optional(…)` one its default
/// (`Some(None)`: optional, no default).
struct Attribute {
    name: String,
    ty: Type,
    optional: Option<Option<Value>>,
}

/// `value` converted to the type `ty` is written as; `Ok(None)` when the type is not
/// understood here (the value is then read as given), `Err` (why, in English and Chinese)
/// when Terraform refuses the value.
pub fn convert(value: Value, ty: &Expression) -> Result<Option<Value>, (String, String)> {
    match parse(ty) {
        Some(ty) => to(value, &ty).map(Some),
        None => Ok(None),
    }
}

/// The type is a list, set, map, object or tuple: a value given as text on the command line
/// is read as an expression.
pub fn is_collection(ty: &Expression) -> bool {
    matches!(
        parse(ty),
        Some(Type::List(_) | Type::Set(_) | Type::Map(_) | Type::Tuple(_) | Type::Object(_))
    )
}

fn parse(expr: &Expression) -> Option<Type> {
    match expr {
        Expression::Variable(name) => match name.as_str() {
            "string" => Some(Type::String),
            "number" => Some(Type::Number),
            "bool" => Some(Type::Bool),
            "any" => Some(Type::Any),
            _ => None,
        },
        Expression::FuncCall(call) if call.name.namespace.is_empty() => {
            let one = || match call.args.as_slice() {
                [arg] => parse(arg).map(Box::new),
                _ => None,
            };
            match call.name.name.as_str() {
                "list" => Some(Type::List(one()?)),
                "set" => Some(Type::Set(one()?)),
                "map" => Some(Type::Map(one()?)),
                "tuple" => match call.args.as_slice() {
                    [Expression::Array(items)] => {
                        Some(Type::Tuple(items.iter().map(parse).collect::<Option<_>>()?))
                    }
                    _ => None,
                },
                "object" => match call.args.as_slice() {
                    [Expression::Object(attrs)] => attrs
                        .iter()
                        .map(|(key, ty)| attribute(key, ty))
                        .collect::<Option<_>>()
                        .map(Type::Object),
                    _ => None,
                },
                _ => None,
            }
        }
        _ => None,
    }
}

fn attribute(key: &hcl::ObjectKey, ty: &Expression) -> Option<Attribute> {
    let name = match key {
        hcl::ObjectKey::Identifier(name) => name.to_string(),
        hcl::ObjectKey::Expression(Expression::String(name)) => name.clone(),
        _ => return None,
    };
    if let Expression::FuncCall(call) = ty
        && call.name.namespace.is_empty()
        && call.name.name.as_str() == "optional"
    {
        let (ty, default) = match call.args.as_slice() {
            [ty] => (parse(ty)?, None),
            [ty, default] => {
                let ty = parse(ty)?;
                // A default is a constant: evaluated without any variable, then converted.
                let value =
                    hcl::eval::Evaluate::evaluate(default, &hcl::eval::Context::new()).ok()?;
                let value = to(value, &ty).ok()?;
                (ty, Some(value))
            }
            _ => return None,
        };
        return Some(Attribute {
            name,
            ty,
            optional: Some(default),
        });
    }
    Some(Attribute {
        name,
        ty: parse(ty)?,
        optional: None,
    })
}

/// The conversion itself; null converts to null of any type.
fn to(value: Value, ty: &Type) -> Result<Value, (String, String)> {
    if value == Value::Null {
        return Ok(value);
    }
    match (ty, value) {
        (Type::Any, value) => Ok(value),
        (Type::String, value @ (Value::String(_) | Value::Number(_) | Value::Bool(_))) => {
            Ok(Value::String(text(&value).unwrap_or_default()))
        }
        (Type::Number, value @ Value::Number(_)) => Ok(value),
        (Type::Number, Value::String(s)) => number_of(&s).ok_or_else(|| {
            let shown = format!("\"{s}\"");
            refused((&shown, &shown), Type::Number.names())
        }),
        (Type::Bool, value @ Value::Bool(_)) => Ok(value),
        (Type::Bool, Value::String(s)) => bool_of(&s).map(Value::Bool).ok_or_else(|| {
            let shown = format!("\"{s}\"");
            refused((&shown, &shown), Type::Bool.names())
        }),
        (Type::List(item), Value::Array(items)) => items
            .into_iter()
            .map(|i| to(i, item))
            .collect::<Result<_, _>>()
            .map(Value::Array),
        (Type::Set(item), Value::Array(items)) => {
            let mut items = items
                .into_iter()
                .map(|i| to(i, item))
                .collect::<Result<Vec<_>, _>>()?;
            // A set has no order of its own: Terraform lists one of strings sorted, once each.
            if items.iter().all(|i| matches!(i, Value::String(_))) {
                items.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
            }
            items.dedup();
            Ok(Value::Array(items))
        }
        (Type::Tuple(types), Value::Array(items)) if types.len() != items.len() => Err((
            format!(
                "a list of {} is not a tuple of {}",
                items.len(),
                types.len()
            ),
            format!("{}个元素的列表不是{}个元素的元组", items.len(), types.len()),
        )),
        (Type::Tuple(types), Value::Array(items)) => items
            .into_iter()
            .zip(types)
            .map(|(i, t)| to(i, t))
            .collect::<Result<_, _>>()
            .map(Value::Array),
        (Type::Map(item), Value::Object(entries)) => entries
            .into_iter()
            .map(|(k, v)| Ok((k, to(v, item)?)))
            .collect::<Result<_, _>>()
            .map(Value::Object),
        (Type::Object(attributes), Value::Object(mut entries)) => {
            let mut out = hcl::Map::new();
            for a in attributes {
                let value = match (entries.shift_remove(&a.name), &a.optional) {
                    (None | Some(Value::Null), Some(default)) => {
                        default.clone().unwrap_or(Value::Null)
                    }
                    // A required attribute given as null is null.
                    (Some(v), _) => to(v, &a.ty)?,
                    (None, None) => {
                        return Err((
                            format!("attribute `{}` is required", a.name),
                            format!("必须有属性`{}`", a.name),
                        ));
                    }
                };
                out.insert(a.name.clone(), value);
            }
            Ok(Value::Object(out))
        }
        (ty, value) => {
            let (en, zh) = describe(&value);
            Err(refused((&en, &zh), ty.names()))
        }
    }
}

/// Why Terraform refuses a value for a type, in English and Chinese: `(value, type)` names.
fn refused(value: (&str, &str), ty: (&str, &str)) -> (String, String) {
    (
        format!("{} is not {}", value.0, ty.0),
        format!("{}不是{}", value.1, ty.1),
    )
}

/// What a value is, in English and Chinese, for [`refused`].
fn describe(value: &Value) -> (String, String) {
    match value {
        Value::Array(_) => ("a list".into(), "列表".into()),
        Value::Object(_) => ("an object".into(), "对象".into()),
        other => {
            let shown = text(other).map_or_else(String::new, |t| format!("`{t}`"));
            (shown.clone(), shown)
        }
    }
}

impl Type {
    /// What the type is called, in English and Chinese.
    fn names(&self) -> (&'static str, &'static str) {
        match self {
            Type::String => ("a string", "字符串"),
            Type::Number => ("a number", "数字"),
            Type::Bool => ("a bool", "布尔值"),
            Type::Any => ("any value", "任意值"),
            Type::List(_) | Type::Set(_) | Type::Tuple(_) => ("a list", "列表"),
            Type::Map(_) | Type::Object(_) => ("an object", "对象"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::convert;
    use hcl::Value;

    fn ty(text: &str) -> hcl::Expression {
        let body: hcl::Body = hcl::from_str(&format!("t = {text}\n")).expect(text);
        body.attributes().next().expect(text).expr.clone()
    }

    fn value(text: &str) -> Value {
        let body: hcl::Body = hcl::from_str(&format!("v = {text}\n")).expect(text);
        hcl::eval::Evaluate::evaluate(
            &body.attributes().next().expect(text).expr,
            &hcl::eval::Context::new(),
        )
        .expect(text)
    }

    fn converted(v: &str, t: &str) -> Value {
        match convert(value(v), &ty(t)) {
            Ok(Some(v)) => v,
            other => panic!("{v} as {t}: {other:?}"),
        }
    }

    #[test]
    fn values_convert_as_terraform_plan_shows_them() {
        // Each pair checked with `terraform plan` (1.11) on an output of the variable.
        assert_eq!(converted(r#""2048""#, "number"), value("2048"));
        assert_eq!(converted("12.5", "string"), value(r#""12.5""#));
        assert_eq!(converted(r#""1""#, "bool"), Value::Bool(true));
        assert_eq!(
            converted(r#"["b", "a", "b"]"#, "set(string)"),
            value(r#"["a", "b"]"#)
        );
        assert_eq!(
            converted("{ a = 1, b = true }", "map(string)"),
            value(r#"{ a = "1", b = "true" }"#)
        );
        let object = r#"object({
            name    = string
            min_ram = optional(number, 1024)
            desc    = optional(string)
            flag    = optional(bool, false)
        })"#;
        assert_eq!(
            converted(r#"{ name = 5, extra = "x", flag = null }"#, object),
            value(r#"{ name = "5", min_ram = 1024, desc = null, flag = false }"#)
        );
        assert_eq!(converted("null", "number"), Value::Null);
        assert_eq!(converted(r#"{ x = "y" }"#, "any"), value(r#"{ x = "y" }"#));
    }

    #[test]
    fn a_value_terraform_refuses_says_why_and_a_type_not_understood_leaves_it() {
        for (v, t) in [
            (r#""many""#, "number"),
            (r#""yes""#, "bool"),
            ("[1]", "string"),
            (r#"{ desc = "x" }"#, "object({ name = string })"),
            (r#"["a", "b"]"#, "tuple([string])"),
        ] {
            assert!(convert(value(v), &ty(t)).is_err(), "{v} as {t}");
        }
        assert_eq!(convert(value("1"), &ty("custom(number)")), Ok(None));
    }
}
