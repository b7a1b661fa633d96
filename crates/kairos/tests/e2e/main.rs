//! End-to-end tests through the real router, one binary: each module was its own test
//! crate, but linking the whole server 38 times cost CI minutes and gigabytes of disk.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod answer_cache;
mod answer_turns;
mod api_calendars;
mod api_event_create;
mod api_event_edits;
mod api_events;
mod api_freebusy;
mod api_limits;
mod api_live;
mod api_publish;
mod api_search;
mod api_session;
mod api_tokens;
mod auth_isolation;
mod bad_input;
mod calendar_prefs;
mod cli;
mod collection_get;
mod collections;
mod copymove;
mod credentials_dav;
mod discovery;
mod fleet;
mod freebusy_index;
mod jcal;
mod jobs;
mod model;
mod moving_house;
mod objects;
mod oidc;
mod operations;
mod rfc4791_appendix_b;
mod rfc4791_queries;
mod share_post;
mod sharing;
mod sharing_props;
mod sync;
mod time_range;
mod web_pages;
