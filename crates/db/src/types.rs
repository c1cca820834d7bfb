//! Column types that read and write the same on both backends: `Ts` (an instant: PostgreSQL
//! `timestamptz`, SQLite fixed-width text `YYYY-MM-DDTHH:MM:SS.ffffffZ` that sorts correctly)
//! and `Day` (a civil date: PostgreSQL `date`, SQLite `YYYY-MM-DD`).

use jiff::civil::Date;
use jiff::{Timestamp, Unit};
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::types::Oid;
use sqlx::postgres::{PgArgumentBuffer, PgTypeInfo, PgValueFormat, PgValueRef, Postgres};
use sqlx::sqlite::{Sqlite, SqliteArgumentsBuffer, SqliteTypeInfo, SqliteValueRef};
use sqlx::{Decode, Encode, Type};

const PG_TIMESTAMPTZ: Oid = Oid(1184);
const PG_DATE: Oid = Oid(1082);
/// 2000-01-01T00:00:00Z, PostgreSQL's epoch, in Unix microseconds.
const PG_EPOCH_MICROS: i64 = 946_684_800_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ts(pub Timestamp);

impl Ts {
    pub fn to_sqlite_text(&self) -> String {
        let t = self.0.round(Unit::Microsecond).unwrap_or(self.0);
        t.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
    }
}

impl From<Timestamp> for Ts {
    fn from(t: Timestamp) -> Self {
        Ts(t)
    }
}

impl serde::Serialize for Ts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl Type<Sqlite> for Ts {
    fn type_info() -> SqliteTypeInfo {
        <String as Type<Sqlite>>::type_info()
    }
}

impl Encode<'_, Sqlite> for Ts {
    fn encode_by_ref(&self, buf: &mut SqliteArgumentsBuffer) -> Result<IsNull, BoxDynError> {
        <String as Encode<Sqlite>>::encode(self.to_sqlite_text(), buf)
    }
}

impl<'r> Decode<'r, Sqlite> for Ts {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        let s = <&str as Decode<Sqlite>>::decode(value)?;
        Ok(Ts(s.parse::<Timestamp>()?))
    }
}

impl Type<Postgres> for Ts {
    fn type_info() -> PgTypeInfo {
        PgTypeInfo::with_oid(PG_TIMESTAMPTZ)
    }
}

impl Encode<'_, Postgres> for Ts {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        let micros = i64::try_from(self.0.as_microsecond())? - PG_EPOCH_MICROS;
        <i64 as Encode<Postgres>>::encode_by_ref(&micros, buf)
    }
    fn size_hint(&self) -> usize {
        8
    }
}

impl<'r> Decode<'r, Postgres> for Ts {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        match value.format() {
            PgValueFormat::Binary => {
                let micros = <i64 as Decode<Postgres>>::decode(value)?;
                Ok(Ts(Timestamp::from_microsecond(micros + PG_EPOCH_MICROS)?))
            }
            PgValueFormat::Text => {
                // e.g. "2026-11-25 11:21:10.123456+00"
                let s = value.as_str()?;
                let mut iso = s.replacen(' ', "T", 1);
                if iso.ends_with("+00") {
                    iso.push_str(":00");
                }
                Ok(Ts(iso.parse::<Timestamp>()?))
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub Date);

impl serde::Serialize for Day {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl Type<Sqlite> for Day {
    fn type_info() -> SqliteTypeInfo {
        <String as Type<Sqlite>>::type_info()
    }
}

impl Encode<'_, Sqlite> for Day {
    fn encode_by_ref(&self, buf: &mut SqliteArgumentsBuffer) -> Result<IsNull, BoxDynError> {
        <String as Encode<Sqlite>>::encode(self.0.to_string(), buf)
    }
}

impl<'r> Decode<'r, Sqlite> for Day {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        let s = <&str as Decode<Sqlite>>::decode(value)?;
        Ok(Day(s.parse::<Date>()?))
    }
}

impl Type<Postgres> for Day {
    fn type_info() -> PgTypeInfo {
        PgTypeInfo::with_oid(PG_DATE)
    }
}

const PG_EPOCH_DATE: Date = jiff::civil::date(2000, 1, 1);

impl Encode<'_, Postgres> for Day {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        let days = i32::try_from(PG_EPOCH_DATE.until(self.0)?.get_days())?;
        <i32 as Encode<Postgres>>::encode_by_ref(&days, buf)
    }
    fn size_hint(&self) -> usize {
        4
    }
}

impl<'r> Decode<'r, Postgres> for Day {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        match value.format() {
            PgValueFormat::Binary => {
                let days = <i32 as Decode<Postgres>>::decode(value)?;
                Ok(Day(PG_EPOCH_DATE.checked_add(jiff::Span::new().days(days))?))
            }
            PgValueFormat::Text => Ok(Day(value.as_str()?.parse::<Date>()?)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_text_is_fixed_width_and_sorts() {
        let a = Ts("2026-11-25T01:02:03Z".parse().unwrap());
        let b = Ts("2026-11-25T01:02:03.5Z".parse().unwrap());
        assert_eq!(a.to_sqlite_text(), "2026-11-25T01:02:03.000000Z");
        assert!(a.to_sqlite_text() < b.to_sqlite_text());
        assert_eq!(a.to_sqlite_text().parse::<Timestamp>().unwrap(), a.0);
    }
}
