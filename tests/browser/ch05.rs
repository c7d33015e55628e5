//! Chapter 5's server in Chromium.
