//! Stored credentials, sessions, shares and public links: the rows behind sign-in and
//! sharing. The rules about them live in `core`.

use crate::{Collection, CollectionId, Timestamp, UserId};

id_type!(
    /// Identifies an API token or app password.
    CredentialId
);

/// Which door a credential opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CredentialKind {
    /// A Bearer token for the REST API.
    ApiToken,
    /// A password for DAV clients (HTTP Basic), one per device.
    AppPassword,
}

/// What a credential may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Reads only.
    ReadOnly,
    /// Reads and writes.
    ReadWrite,
}

/// How much of a calendar a sharee may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ShareAccess {
    /// Free/busy only: when the owner is busy, nothing else.
    FreeBusy,
    /// Read everything.
    Read,
    /// Read and change events.
    ReadWrite,
}

/// What a [`ShareLogEntry`] records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ShareAction {
    /// Shared with someone, or their access changed.
    Shared,
    /// Someone's access was taken away.
    Unshared,
    /// A public link was created (or replaced).
    LinkCreated,
    /// The public link was revoked.
    LinkRevoked,
}

macro_rules! codes {
    ($ty:ident { $($variant:ident = $code:literal),+ $(,)? }) => {
        impl $ty {
            /// Stable storage code.
            pub fn code(self) -> i16 {
                match self { $($ty::$variant => $code),+ }
            }

            /// Inverse of `code`.
            pub fn from_code(code: i16) -> Option<Self> {
                match code { $($code => Some($ty::$variant),)+ _ => None }
            }
        }
    };
}

codes!(CredentialKind { ApiToken = 1, AppPassword = 2 });
codes!(Scope { ReadOnly = 1, ReadWrite = 2 });
codes!(ShareAccess { FreeBusy = 1, Read = 2, ReadWrite = 3 });
codes!(ShareAction { Shared = 1, Unshared = 2, LinkCreated = 3, LinkRevoked = 4 });

/// An API token or app password (the secret itself is never stored).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credential {
    /// Stable id.
    pub id: CredentialId,
    /// Whose.
    pub user_id: UserId,
    /// Token or app password.
    pub kind: CredentialKind,
    /// The label its owner gave it.
    pub name: String,
    /// Hex hash of the secret.
    pub secret_hash: String,
    /// What it may do.
    pub scope: Scope,
    /// The one calendar it reaches, if limited.
    pub collection: Option<CollectionId>,
    /// Creation time.
    pub created_at: Timestamp,
    /// When it stops working, if ever.
    pub expires_at: Option<Timestamp>,
    /// When it was last used (updated at most once a minute).
    pub last_used_at: Option<Timestamp>,
}

/// A signed-in browser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// Hex hash of the cookie's secret.
    pub secret_hash: String,
    /// Who signed in.
    pub user_id: UserId,
    /// Sign-in time.
    pub created_at: Timestamp,
    /// When it ends.
    pub expires_at: Timestamp,
}

/// A calendar shared with another user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Share {
    /// The calendar.
    pub collection: CollectionId,
    /// Who it is shared with.
    pub sharee: UserId,
    /// How much they may do.
    pub access: ShareAccess,
    /// When first shared.
    pub created_at: Timestamp,
    /// When the access last changed.
    pub modified_at: Timestamp,
}

/// One sharing change, for the history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShareLogEntry {
    /// The calendar.
    pub collection: CollectionId,
    /// Who made the change (login name at the time).
    pub actor: String,
    /// What changed.
    pub action: ShareAction,
    /// Whose access changed (login name at the time), for share changes.
    pub sharee: Option<String>,
    /// The new access, for [`ShareAction::Shared`].
    pub access: Option<ShareAccess>,
    /// When.
    pub at: Timestamp,
}

/// A calendar someone shared with the reader of this value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncomingShare {
    /// The calendar.
    pub collection: Collection,
    /// Its owner's login name.
    pub owner_name: String,
    /// What the sharee may do.
    pub access: ShareAccess,
}

/// A single sign-on in flight: what the callback needs to finish it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingSignIn {
    /// Hex hash of the `state` sent to the provider.
    pub state_hash: String,
    /// The PKCE code verifier.
    pub pkce_verifier: String,
    /// The nonce the ID token must carry.
    pub nonce: String,
    /// Local path to return to afterwards.
    pub return_to: String,
    /// When it stops being accepted.
    pub expires_at: Timestamp,
}

/// One person's own settings for a calendar they own or that is shared with them: a
/// name, color and order for them alone (sharees; the owner changes the calendar itself)
/// and whether they hide it. Unset fields fall back to the calendar's own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarPrefs {
    /// The calendar.
    pub collection: CollectionId,
    /// Whose settings these are.
    pub user: UserId,
    /// Their name for it.
    pub displayname: Option<String>,
    /// Their color for it.
    pub color: Option<String>,
    /// Their sort position for it.
    pub order: Option<i64>,
    /// Whether they hide it from their views.
    pub hidden: bool,
}

impl CalendarPrefs {
    /// No settings: everything as the calendar has it, shown.
    pub fn unset(user: UserId, collection: CollectionId) -> Self {
        CalendarPrefs {
            collection,
            user,
            displayname: None,
            color: None,
            order: None,
            hidden: false,
        }
    }

    /// Whether nothing is set (the row can go).
    pub fn is_unset(&self) -> bool {
        self.displayname.is_none() && self.color.is_none() && self.order.is_none() && !self.hidden
    }
}
