//! All-pairs reachability (placeholder until the class computation lands).
