//! An HCL parser which keeps track of whitespace, comments and span information.

mod error;
mod expr;
mod nesting;
mod number;
mod pratt;
mod repr;
mod state;
mod string;
mod structure;
mod template;
#[cfg(test)]
mod tests;
mod trivia;

pub use self::error::{Error, Location};
use self::expr::root_expr;
use self::structure::body;
use self::template::template;
use crate::expr::Expression;
use crate::expr::Object;
use crate::structure::Body;
use crate::template::{HeredocTemplate, StringTemplate, Template};
use crate::visit_mut::{self, VisitMut};

mod prelude {
    pub(super) use winnow::error::{ContextError, StrContext, StrContextValue};
    pub(super) use winnow::stream::Stream;
    pub(super) use winnow::{dispatch, ModalParser, ModalResult, Parser};

    pub(super) type Input<'a> =
        winnow::stream::Stateful<winnow::stream::LocatingSlice<&'a str>, NestingState>;

    use super::nesting::NestingState;

    /// Creates a new parser input from `s`.
    pub(super) fn new_input(s: &str) -> Input<'_> {
        Input {
            input: winnow::stream::LocatingSlice::new(s),
            state: NestingState::default(),
        }
    }
}

use self::prelude::*;

/// Parse an input into a [`Body`].
///
/// # Errors
///
/// Returns an error if the input does not resemble a valid HCL body.
pub fn parse_body(input: &str) -> Result<Body, Error> {
    let mut body = parse_complete(input, body)?;
    body.despan(input);
    Ok(body)
}

/// Parse an input into a [`Body`], leaving the whitespace and comments around its parts (its
/// decor) as spans into `input` instead of copies of that text, except in templates and in
/// objects with a key written as an expression (which may be a template).
///
/// ims-preflight patch: for a reader of the values alone. [`parse_body`] copies every piece of
/// decor out of `input` after parsing, and such a reader drops every copy. A template's decor,
/// and that of everything inside it, is copied all the same (and an object's, when a key of it
/// is an expression: `VisitMut` does not visit keys): a template is read by encoding
/// it (`hcl-rs` converts a quoted or heredoc template into its text, which it parses again),
/// and where decor is a span, encoding writes a default, which is not always valid (the
/// `for s in` of a `for` expression comes out as `for sin`). Encoding a body so parsed
/// (`Display`) writes the default decor elsewhere.
///
/// # Errors
///
/// Returns an error if the input does not resemble a valid HCL body.
pub fn parse_body_spanned(input: &str) -> Result<Body, Error> {
    let mut body = parse_complete(input, body)?;
    TemplatesDespanned(input).visit_body_mut(&mut body);
    Ok(body)
}

/// Copies the decor of the templates it visits (and of all they hold) out of the input.
struct TemplatesDespanned<'a>(&'a str);

impl VisitMut for TemplatesDespanned<'_> {
    /// An object with a key written as an expression (which may be a template, and which
    /// `VisitMut` does not visit) is copied whole; the others are visited.
    fn visit_object_mut(&mut self, node: &mut Object) {
        if node.iter().any(|(key, _)| key.is_expr()) {
            node.despan(self.0);
        } else {
            visit_mut::visit_object_mut(self, node);
        }
    }

    fn visit_string_template_mut(&mut self, node: &mut StringTemplate) {
        node.despan(self.0);
    }

    fn visit_heredoc_template_mut(&mut self, node: &mut HeredocTemplate) {
        node.despan(self.0);
    }
}

/// Parse an input into an [`Expression`].
///
/// # Errors
///
/// Returns an error if the input does not resemble a valid HCL expression.
pub fn parse_expr(input: &str) -> Result<Expression, Error> {
    let mut expr = parse_complete(input, root_expr)?;
    expr.despan(input);
    Ok(expr)
}

/// Parse an input into a [`Template`].
///
/// # Errors
///
/// Returns an error if the input does not resemble a valid HCL template.
pub fn parse_template(input: &str) -> Result<Template, Error> {
    let mut template = parse_complete(input, template)?;
    template.despan(input);
    Ok(template)
}

fn parse_complete<'a, P, O>(input: &'a str, mut parser: P) -> Result<O, Error>
where
    P: ModalParser<Input<'a>, O, ContextError>,
{
    let input = new_input(input);

    parser
        .parse(input)
        .map_err(|err| Error::from_parse_error(&err))
}
