//! `const` names for every element and property the server reads or writes.

use crate::qname::QName;

/// `DAV:resourcetype`.
pub const RESOURCETYPE: QName = QName::dav("resourcetype");
/// `DAV:collection`.
pub const COLLECTION: QName = QName::dav("collection");
/// `DAV:displayname`.
pub const DISPLAYNAME: QName = QName::dav("displayname");
/// `DAV:getetag`.
pub const GETETAG: QName = QName::dav("getetag");
/// `DAV:getcontenttype`.
pub const GETCONTENTTYPE: QName = QName::dav("getcontenttype");
/// `DAV:getcontentlength`.
pub const GETCONTENTLENGTH: QName = QName::dav("getcontentlength");
/// `DAV:getcontentlanguage`.
pub const GETCONTENTLANGUAGE: QName = QName::dav("getcontentlanguage");
/// `DAV:getlastmodified`.
pub const GETLASTMODIFIED: QName = QName::dav("getlastmodified");
/// `DAV:creationdate`.
pub const CREATIONDATE: QName = QName::dav("creationdate");
/// `DAV:sync-token`.
pub const SYNC_TOKEN: QName = QName::dav("sync-token");
/// `DAV:current-user-principal`.
pub const CURRENT_USER_PRINCIPAL: QName = QName::dav("current-user-principal");
/// `DAV:principal-URL`.
pub const PRINCIPAL_URL: QName = QName::dav("principal-URL");
/// `DAV:principal-collection-set`.
pub const PRINCIPAL_COLLECTION_SET: QName = QName::dav("principal-collection-set");
/// `DAV:owner`.
pub const OWNER: QName = QName::dav("owner");
/// `DAV:group`.
pub const GROUP: QName = QName::dav("group");
/// `DAV:supported-report-set`.
pub const SUPPORTED_REPORT_SET: QName = QName::dav("supported-report-set");
/// `DAV:supported-report`.
pub const SUPPORTED_REPORT: QName = QName::dav("supported-report");
/// `DAV:report`.
pub const REPORT: QName = QName::dav("report");
/// `DAV:current-user-privilege-set`.
pub const CURRENT_USER_PRIVILEGE_SET: QName = QName::dav("current-user-privilege-set");
/// `DAV:privilege`.
pub const PRIVILEGE: QName = QName::dav("privilege");
/// `DAV:read`.
pub const READ: QName = QName::dav("read");
/// `DAV:write`.
pub const WRITE: QName = QName::dav("write");
/// `DAV:write-properties`.
pub const WRITE_PROPERTIES: QName = QName::dav("write-properties");
/// `DAV:write-content`.
pub const WRITE_CONTENT: QName = QName::dav("write-content");
/// `DAV:write-acl`.
pub const WRITE_ACL: QName = QName::dav("write-acl");
/// `DAV:read-acl`.
pub const READ_ACL: QName = QName::dav("read-acl");
/// `DAV:unlock`.
pub const UNLOCK: QName = QName::dav("unlock");
/// `DAV:bind`.
pub const BIND: QName = QName::dav("bind");
/// `DAV:unbind`.
pub const UNBIND: QName = QName::dav("unbind");
/// `DAV:all`.
pub const ALL: QName = QName::dav("all");
/// `DAV:read-current-user-privilege-set`.
pub const READ_CURRENT_USER_PRIVILEGE_SET: QName = QName::dav("read-current-user-privilege-set");
/// `DAV:acl`.
pub const ACL: QName = QName::dav("acl");
/// `DAV:supported-privilege-set`.
pub const SUPPORTED_PRIVILEGE_SET: QName = QName::dav("supported-privilege-set");
/// `DAV:group-membership`.
pub const GROUP_MEMBERSHIP: QName = QName::dav("group-membership");
/// `DAV:group-member-set`.
pub const GROUP_MEMBER_SET: QName = QName::dav("group-member-set");
/// `DAV:alternate-URI-set`.
pub const ALTERNATE_URI_SET: QName = QName::dav("alternate-URI-set");
/// `DAV:principal`.
pub const PRINCIPAL: QName = QName::dav("principal");
/// `DAV:href`.
pub const HREF: QName = QName::dav("href");
/// `DAV:quota-available-bytes`.
pub const QUOTA_AVAILABLE_BYTES: QName = QName::dav("quota-available-bytes");
/// `DAV:quota-used-bytes`.
pub const QUOTA_USED_BYTES: QName = QName::dav("quota-used-bytes");
/// `DAV:lockdiscovery`.
pub const LOCKDISCOVERY: QName = QName::dav("lockdiscovery");
/// `DAV:supportedlock`.
pub const SUPPORTEDLOCK: QName = QName::dav("supportedlock");
/// `DAV:resource-id`.
pub const RESOURCE_ID: QName = QName::dav("resource-id");
/// `DAV:add-member`.
pub const ADD_MEMBER: QName = QName::dav("add-member");
/// `DAV:sync-collection`.
pub const SYNC_COLLECTION: QName = QName::dav("sync-collection");
/// `DAV:expand-property`.
pub const EXPAND_PROPERTY: QName = QName::dav("expand-property");
/// `DAV:property`.
pub const PROPERTY: QName = QName::dav("property");
/// `DAV:principal-property-search`.
pub const PRINCIPAL_PROPERTY_SEARCH: QName = QName::dav("principal-property-search");
/// `DAV:principal-search-property-set`.
pub const PRINCIPAL_SEARCH_PROPERTY_SET: QName = QName::dav("principal-search-property-set");
/// `DAV:principal-match`.
pub const PRINCIPAL_MATCH: QName = QName::dav("principal-match");
/// `DAV:acl-principal-prop-set`.
pub const ACL_PRINCIPAL_PROP_SET: QName = QName::dav("acl-principal-prop-set");
/// `DAV:propfind`.
pub const PROPFIND: QName = QName::dav("propfind");
/// `DAV:prop`.
pub const PROP: QName = QName::dav("prop");
/// `DAV:allprop`.
pub const ALLPROP: QName = QName::dav("allprop");
/// `DAV:propname`.
pub const PROPNAME: QName = QName::dav("propname");
/// `DAV:include`.
pub const INCLUDE: QName = QName::dav("include");
/// `DAV:propertyupdate`.
pub const PROPERTYUPDATE: QName = QName::dav("propertyupdate");
/// `DAV:set`.
pub const SET: QName = QName::dav("set");
/// `DAV:remove`.
pub const REMOVE: QName = QName::dav("remove");
/// `DAV:mkcol`.
pub const MKCOL: QName = QName::dav("mkcol");
/// RFC 5689 `DAV:mkcol-response`.
pub const MKCOL_RESPONSE: QName = QName::dav("mkcol-response");
/// RFC 4791 `CALDAV:mkcalendar-response`.
pub const MKCALENDAR_RESPONSE: QName = QName::caldav("mkcalendar-response");
/// `DAV:multistatus`.
pub const MULTISTATUS: QName = QName::dav("multistatus");
/// `DAV:response`.
pub const RESPONSE: QName = QName::dav("response");
/// `DAV:propstat`.
pub const PROPSTAT: QName = QName::dav("propstat");
/// `DAV:status`.
pub const STATUS: QName = QName::dav("status");
/// `DAV:error`.
pub const ERROR: QName = QName::dav("error");
/// `DAV:responsedescription`.
pub const RESPONSEDESCRIPTION: QName = QName::dav("responsedescription");
/// `DAV:location`.
pub const LOCATION: QName = QName::dav("location");
/// `DAV:sync-level`.
pub const SYNC_LEVEL: QName = QName::dav("sync-level");
/// `DAV:limit`.
pub const LIMIT: QName = QName::dav("limit");
/// `DAV:nresults`.
pub const NRESULTS: QName = QName::dav("nresults");
/// `DAV:property-search`.
pub const PROPERTY_SEARCH: QName = QName::dav("property-search");
/// `DAV:match`.
pub const MATCH: QName = QName::dav("match");
/// `DAV:apply-to-principal-collection-set`.
pub const APPLY_TO_PRINCIPAL_COLLECTION_SET: QName =
    QName::dav("apply-to-principal-collection-set");
/// `DAV:propfind-finite-depth`.
pub const PROPFIND_FINITE_DEPTH: QName = QName::dav("propfind-finite-depth");
/// `DAV:valid-sync-token`.
pub const VALID_SYNC_TOKEN: QName = QName::dav("valid-sync-token");
/// `DAV:number-of-matches-within-limits`.
pub const NUMBER_OF_MATCHES_WITHIN_LIMITS: QName = QName::dav("number-of-matches-within-limits");
/// `DAV:cannot-modify-protected-property`.
pub const CANNOT_MODIFY_PROTECTED_PROPERTY: QName = QName::dav("cannot-modify-protected-property");
/// `DAV:valid-resourcetype`.
pub const VALID_RESOURCETYPE: QName = QName::dav("valid-resourcetype");
/// `DAV:resource-must-be-null`.
pub const RESOURCE_MUST_BE_NULL: QName = QName::dav("resource-must-be-null");
/// `DAV:need-privileges`.
pub const NEED_PRIVILEGES: QName = QName::dav("need-privileges");
/// `DAV:lock-token-submitted`.
pub const LOCK_TOKEN_SUBMITTED: QName = QName::dav("lock-token-submitted");
/// `DAV:no-conflicting-lock`.
pub const NO_CONFLICTING_LOCK: QName = QName::dav("no-conflicting-lock");
/// `DAV:preserved-live-properties`.
pub const PRESERVED_LIVE_PROPERTIES: QName = QName::dav("preserved-live-properties");

/// `C:calendar`.
pub const CALENDAR: QName = QName::caldav("calendar");
/// `C:calendar-home-set`.
pub const CALENDAR_HOME_SET: QName = QName::caldav("calendar-home-set");
/// `C:calendar-user-address-set`.
pub const CALENDAR_USER_ADDRESS_SET: QName = QName::caldav("calendar-user-address-set");
/// `C:calendar-description`.
pub const CALENDAR_DESCRIPTION: QName = QName::caldav("calendar-description");
/// `C:calendar-timezone`.
pub const CALENDAR_TIMEZONE: QName = QName::caldav("calendar-timezone");
/// `C:supported-calendar-component-set`.
pub const SUPPORTED_CALENDAR_COMPONENT_SET: QName =
    QName::caldav("supported-calendar-component-set");
/// `C:comp`.
pub const COMP: QName = QName::caldav("comp");
/// `C:supported-calendar-data`.
pub const SUPPORTED_CALENDAR_DATA: QName = QName::caldav("supported-calendar-data");
/// `C:calendar-data`.
pub const CALENDAR_DATA: QName = QName::caldav("calendar-data");
/// `C:max-resource-size`.
pub const MAX_RESOURCE_SIZE: QName = QName::caldav("max-resource-size");
/// `C:min-date-time`.
pub const MIN_DATE_TIME: QName = QName::caldav("min-date-time");
/// `C:max-date-time`.
pub const MAX_DATE_TIME: QName = QName::caldav("max-date-time");
/// `C:max-instances`.
pub const MAX_INSTANCES: QName = QName::caldav("max-instances");
/// `C:max-attendees-per-instance`.
pub const MAX_ATTENDEES_PER_INSTANCE: QName = QName::caldav("max-attendees-per-instance");
/// `C:schedule-inbox-URL`.
pub const SCHEDULE_INBOX_URL: QName = QName::caldav("schedule-inbox-URL");
/// `C:schedule-outbox-URL`.
pub const SCHEDULE_OUTBOX_URL: QName = QName::caldav("schedule-outbox-URL");
/// `C:schedule-default-calendar-URL`.
pub const SCHEDULE_DEFAULT_CALENDAR_URL: QName = QName::caldav("schedule-default-calendar-URL");
/// `C:calendar-user-type`.
pub const CALENDAR_USER_TYPE: QName = QName::caldav("calendar-user-type");
/// `C:schedule-tag`.
pub const SCHEDULE_TAG: QName = QName::caldav("schedule-tag");
/// `C:read-free-busy`.
pub const READ_FREE_BUSY: QName = QName::caldav("read-free-busy");
/// `C:calendar-multiget`.
pub const CALENDAR_MULTIGET: QName = QName::caldav("calendar-multiget");
/// `C:calendar-query`.
pub const CALENDAR_QUERY: QName = QName::caldav("calendar-query");
/// `C:free-busy-query`.
pub const FREE_BUSY_QUERY: QName = QName::caldav("free-busy-query");
/// `C:mkcalendar`.
pub const MKCALENDAR: QName = QName::caldav("mkcalendar");
/// `C:filter`.
pub const FILTER: QName = QName::caldav("filter");
/// `C:comp-filter`.
pub const COMP_FILTER: QName = QName::caldav("comp-filter");
/// `C:prop-filter`.
pub const PROP_FILTER: QName = QName::caldav("prop-filter");
/// `C:param-filter`.
pub const PARAM_FILTER: QName = QName::caldav("param-filter");
/// `C:is-not-defined`.
pub const IS_NOT_DEFINED: QName = QName::caldav("is-not-defined");
/// `C:text-match`.
pub const TEXT_MATCH: QName = QName::caldav("text-match");
/// `C:time-range`.
pub const TIME_RANGE: QName = QName::caldav("time-range");
/// `C:timezone`.
pub const TIMEZONE: QName = QName::caldav("timezone");
/// `C:timezone-id`.
pub const TIMEZONE_ID: QName = QName::caldav("timezone-id");
/// `C:expand`.
pub const EXPAND: QName = QName::caldav("expand");
/// `C:limit-recurrence-set`.
pub const LIMIT_RECURRENCE_SET: QName = QName::caldav("limit-recurrence-set");
/// `C:limit-freebusy-set`.
pub const LIMIT_FREEBUSY_SET: QName = QName::caldav("limit-freebusy-set");
/// `C:allcomp`.
pub const ALLCOMP: QName = QName::caldav("allcomp");
/// `C:supported-collation`.
pub const SUPPORTED_COLLATION: QName = QName::caldav("supported-collation");
/// CALDAV:supported-collation-set (RFC 4791 §7.5.1).
pub const SUPPORTED_COLLATION_SET: QName = QName::caldav("supported-collation-set");
/// `C:valid-filter`.
pub const VALID_FILTER: QName = QName::caldav("valid-filter");
/// `C:supported-filter`.
pub const SUPPORTED_FILTER: QName = QName::caldav("supported-filter");
/// `C:valid-calendar-data`.
pub const VALID_CALENDAR_DATA: QName = QName::caldav("valid-calendar-data");
/// `C:valid-calendar-object-resource`.
pub const VALID_CALENDAR_OBJECT_RESOURCE: QName = QName::caldav("valid-calendar-object-resource");
/// `C:supported-calendar-component`.
pub const SUPPORTED_CALENDAR_COMPONENT: QName = QName::caldav("supported-calendar-component");
/// `C:no-uid-conflict`.
pub const NO_UID_CONFLICT: QName = QName::caldav("no-uid-conflict");
/// `C:calendar-collection-location-ok`.
pub const CALENDAR_COLLECTION_LOCATION_OK: QName = QName::caldav("calendar-collection-location-ok");
/// `C:initialize-calendar-collection`.
pub const INITIALIZE_CALENDAR_COLLECTION: QName = QName::caldav("initialize-calendar-collection");
/// `C:prop` (inside `C:comp` of a calendar-data request).
pub const CALDAV_PROP: QName = QName::caldav("prop");
/// `C:allprop` (inside `C:comp` of a calendar-data request).
pub const CALDAV_ALLPROP: QName = QName::caldav("allprop");

/// `CS:getctag`.
pub const GETCTAG: QName = QName::calserver("getctag");
/// `ICAL:calendar-color`.
pub const CALENDAR_COLOR: QName = QName::apple("calendar-color");
/// `ICAL:calendar-order`.
pub const CALENDAR_ORDER: QName = QName::apple("calendar-order");

// Sharing, read-only (draft-pot-webdav-resource-sharing, in DAV:).
/// `DAV:share-access`.
pub const SHARE_ACCESS: QName = QName::dav("share-access");
/// `DAV:invite`.
pub const INVITE: QName = QName::dav("invite");
/// `DAV:sharee`.
pub const SHAREE: QName = QName::dav("sharee");
/// `DAV:invite-accepted`.
pub const INVITE_ACCEPTED: QName = QName::dav("invite-accepted");
/// `DAV:shared-owner`.
pub const SHARED_OWNER: QName = QName::dav("shared-owner");
/// `DAV:not-shared`.
pub const NOT_SHARED: QName = QName::dav("not-shared");
/// `DAV:read-write` (a share-access value; `DAV:read` is [`READ`]).
pub const READ_WRITE: QName = QName::dav("read-write");

// Sharing, read-only (Apple's caldav-sharing, in the calendarserver.org namespace).
/// `CS:shared` (resourcetype of a calendar reached through a share).
pub const CS_SHARED: QName = QName::calserver("shared");
/// `CS:shared-owner` (resourcetype of an owner's calendar that is shared).
pub const CS_SHARED_OWNER: QName = QName::calserver("shared-owner");
/// `CS:invite`.
pub const CS_INVITE: QName = QName::calserver("invite");
/// `CS:organizer`.
pub const CS_ORGANIZER: QName = QName::calserver("organizer");
/// `CS:user`.
pub const CS_USER: QName = QName::calserver("user");
/// `CS:common-name`.
pub const CS_COMMON_NAME: QName = QName::calserver("common-name");
/// `CS:invite-accepted`.
pub const CS_INVITE_ACCEPTED: QName = QName::calserver("invite-accepted");
/// `CS:access`.
pub const CS_ACCESS: QName = QName::calserver("access");
/// `CS:read`.
pub const CS_READ: QName = QName::calserver("read");
/// `CS:read-write`.
pub const CS_READ_WRITE: QName = QName::calserver("read-write");

// Share requests (POST on a calendar): draft-pot-webdav-resource-sharing in DAV: and
// Apple's caldav-sharing in the calendarserver.org namespace.
/// `DAV:share-resource` (root of a draft-pot share request).
pub const SHARE_RESOURCE: QName = QName::dav("share-resource");
/// `DAV:no-access` (a requested share-access: take the share away).
pub const NO_ACCESS: QName = QName::dav("no-access");
/// `DAV:comment`.
pub const COMMENT: QName = QName::dav("comment");
/// `DAV:recognized-principal` (RFC 3744 §8.1.1 precondition: every principal named
/// must be one the server knows).
pub const RECOGNIZED_PRINCIPAL: QName = QName::dav("recognized-principal");
/// `CS:share` (root of a calendarserver share request).
pub const CS_SHARE: QName = QName::calserver("share");
/// `CS:set` (share with someone, or change their access).
pub const CS_SET: QName = QName::calserver("set");
/// `CS:remove` (take someone's share away).
pub const CS_REMOVE: QName = QName::calserver("remove");
/// `CS:summary` (the sharer's note to the sharee).
pub const CS_SUMMARY: QName = QName::calserver("summary");
/// `CS:allowed-sharing-modes` (what a calendar's owner may do with it).
pub const CS_ALLOWED_SHARING_MODES: QName = QName::calserver("allowed-sharing-modes");
/// `CS:can-be-shared`.
pub const CS_CAN_BE_SHARED: QName = QName::calserver("can-be-shared");
