//! The export file format, version 1: JSON Lines, one record per line (see the module
//! documentation of [`crate::moving`] for the order and the fields).

use base64::Engine as _;
use kairos_store::{CollectionKind, ComponentKind, ComponentSet, DeadProperty, Timestamp};
use serde::{Deserialize, Serialize};

use super::MoveCounts;

/// The `format` value of the header line.
pub const FORMAT_NAME: &str = "kairos-export";
/// The only version this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// The first line of an export file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// Always [`FORMAT_NAME`].
    pub format: String,
    /// [`FORMAT_VERSION`] of the writer; a reader refuses versions it does not know.
    pub version: u32,
    /// When the export started (RFC 3339, UTC); informational only.
    pub exported_at: String,
    /// The program that wrote the file (`kairos 0.1.0`); informational only.
    pub generator: String,
}

impl Header {
    /// The header this build writes.
    pub fn current(exported_at: String) -> Header {
        Header {
            format: FORMAT_NAME.to_owned(),
            version: FORMAT_VERSION,
            exported_at,
            generator: format!("kairos {}", env!("CARGO_PKG_VERSION")),
        }
    }
}

/// Every line after the header: a record tagged by its `type` field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Record {
    /// A user.
    User(UserRecord),
    /// A collection of the user of the last user record.
    Collection(CollectionRecord),
    /// A dead property of the last collection, or of its last object.
    Property(PropertyRecord),
    /// A member resource of the last collection.
    Object(ObjectRecord),
    /// The last line: what the file holds, so a truncated file is recognised.
    End(MoveCounts),
}

/// A user and their password hash (PHC string, copied as is: nobody has to choose a new
/// password after the move).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserRecord {
    /// Login name.
    pub name: String,
    /// argon2id PHC string.
    pub password_hash: String,
    /// Unix milliseconds.
    pub created_at: Timestamp,
}

/// What kind of collection a record describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KindName {
    /// The user's home (path `""`).
    Home,
    /// A plain WebDAV collection.
    Plain,
    /// A calendar.
    Calendar,
}

impl From<CollectionKind> for KindName {
    fn from(kind: CollectionKind) -> Self {
        match kind {
            CollectionKind::Home => KindName::Home,
            CollectionKind::Plain => KindName::Plain,
            CollectionKind::Calendar => KindName::Calendar,
        }
    }
}

impl From<KindName> for CollectionKind {
    fn from(kind: KindName) -> Self {
        match kind {
            KindName::Home => CollectionKind::Home,
            KindName::Plain => CollectionKind::Plain,
            KindName::Calendar => CollectionKind::Calendar,
        }
    }
}

/// A collection with its descriptive properties. Ids, sequences and sync state are the
/// database's own and are not exported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollectionRecord {
    /// Owner's login name.
    pub owner: String,
    /// Home-relative path (`""` for the home, segments joined by `/`).
    pub path: String,
    /// Home, plain collection or calendar.
    pub kind: KindName,
    /// Unix milliseconds.
    pub created_at: Timestamp,
    /// Unix milliseconds of the last change to the collection or its members.
    pub modified_at: Timestamp,
    /// DAV:displayname.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub displayname: Option<String>,
    /// CALDAV:calendar-description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Apple calendar-color.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// Apple calendar-order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<i64>,
    /// CALDAV:calendar-timezone (a VCALENDAR text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// CALDAV:supported-calendar-component-set, by iCalendar name (calendars only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<String>,
}

/// A dead property of a collection (`object` absent) or of one of its members.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PropertyRecord {
    /// Owner's login name.
    pub owner: String,
    /// Home-relative path of the collection.
    pub collection: String,
    /// Member name, when the property belongs to a member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    /// Namespace URI (may be empty).
    pub namespace: String,
    /// Local name.
    pub name: String,
    /// The complete property element, exactly as stored.
    pub xml: String,
}

impl PropertyRecord {
    /// The stored form.
    pub fn to_dead(&self) -> DeadProperty {
        DeadProperty {
            namespace: self.namespace.clone(),
            name: self.name.clone(),
            xml: self.xml.clone(),
        }
    }
}

/// A member resource with its exact bytes: as JSON text when they are UTF-8 (JSON
/// escapes CR, LF, tabs and control characters losslessly), else as standard base64.
/// Exactly one of `text` and `base64` is present.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectRecord {
    /// Owner's login name.
    pub owner: String,
    /// Home-relative path of the collection.
    pub collection: String,
    /// Resource name.
    pub name: String,
    /// Media type as stored.
    pub content_type: String,
    /// Unix milliseconds.
    pub created_at: Timestamp,
    /// Unix milliseconds.
    pub modified_at: Timestamp,
    /// Strong entity tag (a hash of the bytes): checked on import, so a damaged or edited
    /// body is refused instead of being served under the old tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// The bytes, when they are valid UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The bytes in standard base64 (with padding), when they are not UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base64: Option<String>,
}

/// Puts `data` into the record's `text` or `base64` field.
pub fn encode_body(data: Vec<u8>) -> (Option<String>, Option<String>) {
    match String::from_utf8(data) {
        Ok(text) => (Some(text), None),
        Err(e) => (
            None,
            Some(base64::engine::general_purpose::STANDARD.encode(e.as_bytes())),
        ),
    }
}

impl ObjectRecord {
    /// The exact bytes, or why the record holds none.
    pub fn take_body(&mut self) -> Result<Vec<u8>, String> {
        match (self.text.take(), self.base64.take()) {
            (Some(text), None) => Ok(text.into_bytes()),
            (None, Some(b64)) => base64::engine::general_purpose::STANDARD
                .decode(b64.as_bytes())
                .map_err(|e| format!("base64 body does not decode: {e}")),
            (Some(_), Some(_)) => {
                Err("an object has either \"text\" or \"base64\", not both".into())
            }
            (None, None) => Err("an object needs \"text\" or \"base64\"".into()),
        }
    }
}

/// Component names of a set, in the stable order of [`ComponentKind::ALL`].
pub fn component_names(set: ComponentSet) -> Vec<String> {
    set.iter().map(|k| k.name().to_owned()).collect()
}

/// The set named by `names`, or the first name that is no component type.
pub fn component_set(names: &[String]) -> Result<ComponentSet, String> {
    let mut set = ComponentSet::EMPTY;
    for name in names {
        let kind = ComponentKind::from_name(name)
            .ok_or_else(|| format!("unknown component type {name:?}"))?;
        set.insert(kind);
    }
    Ok(set)
}

/// One record as a line: compact JSON and a newline.
pub fn line_of<T: Serialize>(record: &T) -> Result<Vec<u8>, serde_json::Error> {
    let mut line = serde_json::to_vec(record)?;
    line.push(b'\n');
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(text: Option<&str>, b64: Option<&str>) -> ObjectRecord {
        ObjectRecord {
            owner: "alice".into(),
            collection: "cal".into(),
            name: "x.ics".into(),
            content_type: "text/calendar".into(),
            created_at: 1,
            modified_at: 2,
            etag: None,
            text: text.map(str::to_owned),
            base64: b64.map(str::to_owned),
        }
    }

    #[test]
    fn bodies_round_trip_exactly() {
        let cases: Vec<Vec<u8>> = vec![
            Vec::new(),
            b"BEGIN:VCALENDAR\r\nX:folded\r\n  line\r\n\tend\r\n".to_vec(),
            "Zürich – 東京 \u{0} \u{feff} 🎉\n".as_bytes().to_vec(),
            vec![0xff, 0xfe, 0x00, 0xc3, 0x28],
            (0..=255u8).collect(),
        ];
        for data in cases {
            let (text, b64) = encode_body(data.clone());
            let mut rec = object(text.as_deref(), b64.as_deref());
            let line = line_of(&Record::Object(rec.clone())).unwrap();
            assert_eq!(line.iter().filter(|&&b| b == b'\n').count(), 1);
            let back: Record = serde_json::from_slice(&line).unwrap();
            assert_eq!(back, Record::Object(rec.clone()));
            assert_eq!(rec.take_body().unwrap(), data);
        }
    }

    #[test]
    fn a_body_is_text_or_base64() {
        assert!(object(None, None).take_body().is_err());
        assert!(object(Some("a"), Some("YQ==")).take_body().is_err());
        assert!(object(None, Some("not base64!")).take_body().is_err());
        assert_eq!(object(None, Some("YQ==")).take_body().unwrap(), b"a");
    }

    #[test]
    fn records_are_tagged_and_strict() {
        let line = r#"{"type":"user","name":"alice","password_hash":"h","created_at":5}"#;
        let rec: Record = serde_json::from_str(line).unwrap();
        assert_eq!(
            rec,
            Record::User(UserRecord {
                name: "alice".into(),
                password_hash: "h".into(),
                created_at: 5
            })
        );
        assert_eq!(serde_json::to_string(&rec).unwrap(), line);
        // An unknown field would be silently dropped data: refused.
        let extra = r#"{"type":"user","name":"a","password_hash":"h","created_at":5,"x":1}"#;
        assert!(serde_json::from_str::<Record>(extra).is_err());
        assert!(serde_json::from_str::<Record>(r#"{"type":"group","name":"a"}"#).is_err());
    }

    #[test]
    fn component_names_round_trip() {
        let set = component_set(&["VEVENT".into(), "vtodo".into()]).unwrap();
        assert_eq!(component_names(set), ["VEVENT", "VTODO"]);
        assert!(component_set(&["VCARD".into()]).is_err());
    }
}
