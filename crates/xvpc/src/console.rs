//! The web console at `/console`: read-only, served from assets compiled
//! into the binary (no internet, no build step). The page draws the map
//! rendered by [`crate::diagram`] (the same SVG as `xvpc diagram`), polls
//! `GET /_xvpc/version` to redraw within a second of any change, and asks
//! the reachability endpoints for traces and matrices.

use xvpc_api::App;
use xvpc_wire::HttpResponse;

const INDEX: &str = include_str!("../console/index.html");
const SCRIPT: &str = include_str!("../console/console.js");
const STYLE: &str = include_str!("../console/console.css");

/// True for a path under `/console`.
pub fn is_console(path: &str) -> bool {
    path == "/console" || path.starts_with("/console/")
}

/// Answers a request under `/console`, or `None` for any other path.
/// `diagram.svg?group=stack` groups the map by CloudFormation stack.
pub fn handle(app: &App, method: &str, path: &str, query: Option<&str>) -> Option<HttpResponse> {
    if !is_console(path) {
        return None;
    }
    if method != "GET" && method != "HEAD" {
        let mut r = HttpResponse::new(405, "text/plain; charset=utf-8", "the console is read-only".to_string());
        r.headers.push(("Allow".into(), "GET, HEAD".into()));
        return Some(r);
    }
    let (ctype, body) = match path {
        "/console" | "/console/" | "/console/index.html" => ("text/html; charset=utf-8", INDEX.to_string()),
        "/console/console.js" => ("text/javascript; charset=utf-8", SCRIPT.to_string()),
        "/console/console.css" => ("text/css; charset=utf-8", STYLE.to_string()),
        "/console/diagram.svg" => {
            let state = app.snapshot();
            let by_stack = query.unwrap_or("").split('&').any(|kv| kv == "group=stack");
            let group = if by_stack { crate::diagram::GroupBy::Stack } else { crate::diagram::GroupBy::None };
            ("image/svg+xml; charset=utf-8", crate::diagram::render(&state, app.clock.now(), crate::diagram::Format::Svg, group))
        }
        _ => return Some(HttpResponse::new(404, "text/plain; charset=utf-8", format!("no console page {path}"))),
    };
    let mut r = HttpResponse::new(200, ctype, body);
    r.headers.push(("Cache-Control".into(), "no-store".into()));
    Some(r)
}
