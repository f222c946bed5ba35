//! The first stage: which files a run reads ([`discover`]), their bytes and text ([`load`]),
//! and the text with positions, kept or released and read again ([`source`]).

pub mod discover;
pub mod load;
pub mod source;
