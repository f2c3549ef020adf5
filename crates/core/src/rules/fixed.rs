//! A number written with a fixed count of decimals, as `format!("{x:.1}")` writes it,
//! without the exact-decimal machinery the standard formatter runs for every such
//! number (its fast path gives up on most of the hours and days in reasons). Reasons
//! hold one or two such numbers, and a batch of millions of reports makes a finding
//! for about one report in eight.

use std::fmt;

/// `value` with `places` decimals (0 or 1 on the fast path; any other count is left to
/// the standard formatter), written exactly as `{:.N}` writes it: the exact binary
/// value rounded to the nearest, ties to even, and a minus sign on any negative value
/// (so -0.04 with one decimal is `-0.0`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fixed {
    pub value: f64,
    pub places: u8,
}

impl Fixed {
    /// One decimal: `{:.1}`.
    pub fn one(value: f64) -> Self {
        Self { value, places: 1 }
    }

    /// No decimals: `{:.0}`.
    pub fn whole(value: f64) -> Self {
        Self { value, places: 0 }
    }

    /// Write the number to `out` (a `String` or a formatter): the digits by hand in the
    /// usual case, the standard formatter otherwise. `Display` and reasons both use it.
    pub fn write_into(&self, out: &mut impl fmt::Write) -> fmt::Result {
        match rounded(self.value, self.places) {
            Some(units) => {
                if self.value.is_sign_negative() {
                    out.write_char('-')?;
                }
                let mut digits = itoa::Buffer::new();
                if self.places == 0 {
                    out.write_str(digits.format(units))
                } else {
                    out.write_str(digits.format(units / 10))?;
                    out.write_char('.')?;
                    out.write_char(char::from(b'0' + (units % 10) as u8))
                }
            }
            None => write!(out, "{:.*}", usize::from(self.places), self.value),
        }
    }
}

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_into(f)
    }
}

/// |value| times 10^places rounded to the nearest integer, ties to even; `None` for a
/// count of decimals past one, a value not finite, under 2^-60 (tiny or subnormal: the
/// shift below would not fit) or at 2^52 and above.
fn rounded(value: f64, places: u8) -> Option<u64> {
    let scale: u128 = match places {
        0 => 1,
        1 => 10,
        _ => return None,
    };
    let bits = value.abs().to_bits();
    let exponent = (bits >> 52) as i32;
    // |value| = mantissa * 2^-shift exactly.
    let mantissa = u128::from(bits & ((1 << 52) - 1) | 1 << 52);
    let shift = 1075 - exponent;
    if !(1..=112).contains(&shift) || exponent == 0 {
        return None;
    }
    // Under 2^57 * 10: fits, and so does the shift of up to 112 places.
    let scaled = mantissa * scale;
    let (units, rest, half) = (scaled >> shift, scaled & ((1 << shift) - 1), 1u128 << (shift - 1));
    let units = if rest > half || (rest == half && units & 1 == 1) { units + 1 } else { units };
    u64::try_from(units).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn same(value: f64) {
        assert_eq!(Fixed::one(value).to_string(), format!("{value:.1}"), "{value:e} with one decimal");
        assert_eq!(Fixed::whole(value).to_string(), format!("{value:.0}"), "{value:e} with none");
        // Appended to a text, as reasons are made.
        for (fixed, standard) in
            [(Fixed::one(value), format!("x{value:.1}")), (Fixed::whole(value), format!("x{value:.0}"))]
        {
            let mut out = String::from("x");
            fixed.write_into(&mut out).unwrap();
            assert_eq!(out, standard, "{value:e} appended");
        }
    }

    #[test]
    fn ties_and_edges_are_written_as_the_standard_formatter_writes_them() {
        for value in [
            0.0,
            -0.0,
            0.5,
            1.5,
            2.5,
            -0.5,
            -2.5,
            0.05,
            0.15,
            0.25,
            0.35,
            0.45,
            -0.04,
            -0.05,
            0.95,
            9.95,
            99.95,
            1e-20,
            2f64.powi(-60),
            2f64.powi(-61),
            2f64.powi(52),
            2f64.powi(52) - 0.5,
            2f64.powi(53) + 2.0,
            f64::MIN_POSITIVE,
            5e-324,
            f64::MAX,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            75.0,
            72.0,
            1800.0 / 3600.0,
            5400.0 / 3600.0,
            0.1 + 0.2,
        ] {
            same(value);
        }
        // Hours and days as reasons compute them, from whole seconds.
        for seconds in (-400_000i64..400_000).step_by(7).chain((0..100_000).map(|k| k * 1800)) {
            same(seconds as f64 / 3600.0);
            same(seconds as f64 / 3600.0 / 24.0);
        }
    }

    #[test]
    fn more_decimals_are_left_to_the_standard_formatter() {
        assert_eq!(Fixed { value: 0.125, places: 2 }.to_string(), "0.12");
        assert_eq!(Fixed { value: 1.0 / 3.0, places: 5 }.to_string(), "0.33333");
    }

    proptest! {
        #[test]
        fn any_bits(bits in any::<u64>()) {
            same(f64::from_bits(bits));
        }

        #[test]
        fn numbers_near_a_tie(whole in -1_000_000i64..1_000_000, tenths in 0i64..10, nudge in -4i64..=4) {
            let tie = whole as f64 + tenths as f64 / 10.0 + 0.05;
            same(tie);
            same(f64::from_bits((tie.to_bits() as i64 + nudge) as u64));
            same(whole as f64 + 0.5);
        }
    }
}
