//! Findings' reasons written piece by piece: `format!` spent some 1,300-1,800
//! instructions a reason (an argument at a time through the formatting machinery), and a
//! large run writes a reason for every finding it drafts (1.4 million on a file of 10
//! million reports). [`reason!`] writes the same text by appending each piece in turn.

use super::fixed::Fixed;
use super::report::Text;
use crate::agreement::Id;

/// A piece of a reason: text as it is, a number as `Display` writes it.
pub(crate) trait Piece {
    fn put(&self, out: &mut String);
}

impl Piece for str {
    #[inline]
    fn put(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Piece for String {
    #[inline]
    fn put(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Piece for Text {
    #[inline]
    fn put(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Piece for Id {
    #[inline]
    fn put(&self, out: &mut String) {
        out.push_str(self.as_str());
    }
}

impl Piece for u32 {
    #[inline]
    fn put(&self, out: &mut String) {
        out.push_str(itoa::Buffer::new().format(*self));
    }
}

impl Piece for Fixed {
    #[inline]
    fn put(&self, out: &mut String) {
        // Writing to a `String` does not fail.
        let _ = self.write_into(out);
    }
}

impl<T: Piece + ?Sized> Piece for &T {
    #[inline]
    fn put(&self, out: &mut String) {
        (**self).put(out);
    }
}

/// A reason made of its pieces in order, each a [`Piece`]: the text `format!` would make
/// with the same pieces in `{}`.
macro_rules! reason {
    ($($piece:expr),+ $(,)?) => {{
        let mut text = String::with_capacity(128);
        $($crate::rules::reason::Piece::put(&$piece, &mut text);)+
        text
    }};
}

pub(crate) use reason;

#[cfg(test)]
mod tests {
    use super::*;

    /// Each kind of piece is written as `Display` writes it.
    #[test]
    fn pieces_are_written_as_format_writes_them() {
        let (text, owned, id) = (Text::from("dmz-south"), String::from("II.13(a)"), Id::parse("mdl").unwrap());
        for n in [0u32, 7, 10, 999, 1000, 72_000, u32::MAX] {
            for hours in [-1.25, -0.04, 0.0, 0.05, 0.5, 1.5, 72.0, 75.49, 1e20, f64::NAN] {
                let made = reason!(
                    n,
                    " of ",
                    &text,
                    " in ",
                    id,
                    "; ",
                    owned,
                    " ",
                    Fixed::whole(hours),
                    "/",
                    Fixed::one(hours)
                );
                let want = format!("{n} of {text} in {id}; {owned} {hours:.0}/{hours:.1}");
                assert_eq!(made, want);
            }
        }
    }
}
