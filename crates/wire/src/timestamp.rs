//! AWS timestamps: milliseconds since the epoch inside, ISO 8601 on the
//! query protocols (`2026-11-26T07:40:19.000Z`) and epoch seconds in
//! restJson1, as botocore's service models default them.

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// A point in time, in milliseconds since the Unix epoch (the unit the
/// model's clock uses).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// `2026-11-26T07:40:19.000Z`, the form EC2, ELBv2 and STS send.
    pub fn iso8601(self) -> String {
        let t = OffsetDateTime::from_unix_timestamp_nanos(i128::from(self.0) * 1_000_000).unwrap_or(OffsetDateTime::UNIX_EPOCH);
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
            t.millisecond()
        )
    }

    /// Parses ISO 8601 / RFC 3339 (`2026-11-26T07:40:19Z`, with or without
    /// fractional seconds or an offset) or epoch seconds (`1795765219.5`).
    pub fn parse(s: &str) -> Option<Timestamp> {
        let s = s.trim();
        if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
            return i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok().map(Timestamp);
        }
        s.parse::<f64>().ok().and_then(Timestamp::from_epoch_seconds)
    }

    /// From restJson1's epoch seconds; `None` when not finite or out of range.
    pub fn from_epoch_seconds(secs: f64) -> Option<Timestamp> {
        let ms = (secs * 1000.0).round();
        (ms.is_finite() && ms.abs() < 1e17).then_some(Timestamp(ms as i64))
    }

    /// restJson1's epoch seconds.
    pub fn epoch_seconds(self) -> f64 {
        self.0 as f64 / 1000.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_both_forms() {
        let t = Timestamp(1_795_765_219_123);
        assert_eq!(t.iso8601(), "2026-11-27T07:40:19.123Z");
        assert_eq!(Timestamp::parse("2026-11-27T07:40:19.123Z"), Some(t));
        assert_eq!(Timestamp::parse("1795765219.123"), Some(t));
        assert_eq!(Timestamp::parse("yesterday"), None);
        assert_eq!(Timestamp::from_epoch_seconds(f64::NAN), None);
        assert_eq!(t.epoch_seconds(), 1_795_765_219.123);
    }
}
