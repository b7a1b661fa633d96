//! Conditional requests (RFC 9110 §13): If-Match and If-None-Match against the current
//! entity tag of a resource. Evaluated inside the write transaction, after the lock, so two
//! clients can never overwrite each other silently.

use crate::{CoreError, CoreResult};

/// An If-Match / If-None-Match header value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EtagMatch {
    /// `*`: any current representation.
    Any,
    /// A list of entity tags: (opaque tag without quotes, weak?).
    Tags(Vec<(String, bool)>),
}

/// The conditional headers of a request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Conditions {
    /// If-Match.
    pub if_match: Option<EtagMatch>,
    /// If-None-Match.
    pub if_none_match: Option<EtagMatch>,
}

impl Conditions {
    /// No conditions.
    pub fn none() -> Self {
        Conditions::default()
    }

    /// Checks the conditions of a state-changing request against the current entity tag
    /// (`None`: the resource does not exist). Failure is 412.
    pub fn check_for_write(&self, current: Option<&str>) -> CoreResult<()> {
        if let Some(m) = &self.if_match {
            // If-Match uses the strong comparison: weak tags never match.
            let ok = match (m, current) {
                (_, None) => false,
                (EtagMatch::Any, Some(_)) => true,
                (EtagMatch::Tags(tags), Some(cur)) => {
                    tags.iter().any(|(t, weak)| !weak && t == cur)
                }
            };
            if !ok {
                return Err(CoreError::PreconditionFailed);
            }
        }
        if let Some(m) = &self.if_none_match {
            // If-None-Match uses the weak comparison.
            let matched = match (m, current) {
                (_, None) => false,
                (EtagMatch::Any, Some(_)) => true,
                (EtagMatch::Tags(tags), Some(cur)) => tags.iter().any(|(t, _)| t == cur),
            };
            if matched {
                return Err(CoreError::PreconditionFailed);
            }
        }
        Ok(())
    }

    /// For GET/HEAD: whether If-None-Match matched (answer 304 Not Modified).
    pub fn not_modified(&self, current: &str) -> bool {
        match &self.if_none_match {
            Some(EtagMatch::Any) => true,
            Some(EtagMatch::Tags(tags)) => tags.iter().any(|(t, _)| t == current),
            None => false,
        }
    }

    /// For GET/HEAD: whether If-Match failed (answer 412).
    pub fn read_precondition_fails(&self, current: &str) -> bool {
        match &self.if_match {
            Some(EtagMatch::Any) | None => false,
            Some(EtagMatch::Tags(tags)) => !tags.iter().any(|(t, weak)| !weak && t == current),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(t: &[(&str, bool)]) -> Option<EtagMatch> {
        Some(EtagMatch::Tags(
            t.iter().map(|(s, w)| ((*s).to_owned(), *w)).collect(),
        ))
    }

    #[test]
    fn if_none_match_star_refuses_existing() {
        let c = Conditions {
            if_none_match: Some(EtagMatch::Any),
            ..Conditions::none()
        };
        assert!(c.check_for_write(None).is_ok());
        assert!(c.check_for_write(Some("a")).is_err());
    }

    #[test]
    fn if_match_is_strong() {
        let c = Conditions {
            if_match: tags(&[("a", false)]),
            ..Conditions::none()
        };
        assert!(c.check_for_write(Some("a")).is_ok());
        assert!(c.check_for_write(Some("b")).is_err());
        assert!(c.check_for_write(None).is_err());
        let weak = Conditions {
            if_match: tags(&[("a", true)]),
            ..Conditions::none()
        };
        assert!(weak.check_for_write(Some("a")).is_err());
    }

    #[test]
    fn if_match_star_needs_existing() {
        let c = Conditions {
            if_match: Some(EtagMatch::Any),
            ..Conditions::none()
        };
        assert!(c.check_for_write(None).is_err());
        assert!(c.check_for_write(Some("x")).is_ok());
    }

    #[test]
    fn reads() {
        let c = Conditions {
            if_none_match: tags(&[("a", true)]),
            if_match: None,
        };
        assert!(c.not_modified("a"));
        assert!(!c.not_modified("b"));
        let m = Conditions {
            if_match: tags(&[("a", false)]),
            if_none_match: None,
        };
        assert!(!m.read_precondition_fails("a"));
        assert!(m.read_precondition_fails("b"));
    }
}
