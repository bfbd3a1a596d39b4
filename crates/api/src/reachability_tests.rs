//! `STACK/LogicalId` in the operator endpoints: a stack's resources,
//! found through the `aws:cloudformation:*` tags, trace, compare and
//! filter the matrix exactly as their ids do.

use serde_json::{json, Value};
use xvpc_model::stack_membership::{LOGICAL_ID_TAG, STACK_ID_TAG, STACK_NAME_TAG};
use xvpc_store::SqliteStore;

use crate::{App, Config};

/// The populated world with its running instance (Web), an ENI of the
/// same account (Client) and the instance's VPC made by stack `net`.
fn app() -> (App, String, String) {
    let app = App::new(Box::new(SqliteStore::in_memory().unwrap()), Config::default()).unwrap();
    let mut state = xvpc_model::populated::world().state;
    let web = state.instances.values().find(|i| i.state == xvpc_model::instance::InstanceState::Running).unwrap().clone();
    let client = state.network_interfaces.values().find(|e| e.owner == web.owner && e.id != web.primary_eni && e.vpc_id == web.vpc_id).unwrap().clone();
    let vpc = web.vpc_id.clone();
    let mut ch = xvpc_model::state::Changes::new();
    let stamp = |tags: &mut xvpc_model::tags::Tags, logical: &str| {
        tags.insert(STACK_NAME_TAG.into(), "net".into());
        tags.insert(STACK_ID_TAG.into(), "arn:aws:cloudformation:us-east-1:111111111111:stack/net/1".into());
        tags.insert(LOGICAL_ID_TAG.into(), logical.into());
    };
    let (mut i, mut e) = (web.clone(), client.clone());
    stamp(&mut i.tags, "Web");
    stamp(&mut e.tags, "Client");
    ch.put(i);
    ch.put(e);
    let mut v = state.vpcs[&vpc].clone();
    stamp(&mut v.tags, "Vpc");
    ch.put(v);
    state.apply_all(ch);
    app.world().state = state;
    (app, web.id, client.id)
}

fn trace(app: &App, body: Value) -> (u16, Value) {
    super::trace(app, body.to_string().as_bytes())
}

#[test]
fn trace_by_stack_reference_is_trace_by_id() {
    let (app, web, client) = app();
    for port in [22, 80, 443] {
        let (s1, by_ref) = trace(&app, json!({"source": "net/Client", "destination": "net/Web", "port": port}));
        let (s2, by_id) = trace(&app, json!({"source": client, "destination": web, "port": port}));
        assert_eq!((s1, s2), (200, 200), "{by_ref} {by_id}");
        assert_eq!(by_ref["reachable"], by_id["reachable"]);
        assert_eq!(by_ref["blockers"], by_id["blockers"]);
        assert_eq!(by_ref["query"], by_id["query"]);
        assert_eq!(by_ref["references"], json!({"net/Client": client, "net/Web": web}));
    }
    // The caller's account holds the stack; another's does not.
    let (s, _) = trace(&app, json!({"source": "net/Client", "destination": "net/Web", "account": "111111111111", "region": "us-east-1"}));
    assert_eq!(s, 200);
    let (s, e) = trace(&app, json!({"source": "net/Client", "destination": "net/Web", "account": "222222222222"}));
    assert_eq!((s, e["error"].as_str().unwrap()), (400, "Stack with id net does not exist in account 222222222222"));
}

#[test]
fn unknown_stacks_logical_ids_and_non_endpoints_are_refused_by_name() {
    let (app, web, _) = app();
    let err = |src: &str| trace(&app, json!({"source": src, "destination": web})).1["error"].as_str().unwrap().to_string();
    assert_eq!(err("nope/Web"), "Stack with id nope does not exist");
    assert_eq!(err("net/Db"), "Resource Db does not exist for stack net (its resources: Client, Vpc, Web)");
    let vpc = err("net/Vpc");
    assert!(vpc.starts_with("source net/Vpc (vpc-") && vpc.ends_with(", vpc) is not an instance, network interface, VPC endpoint or load balancer"), "{vpc}");
}

#[test]
fn matrix_and_compare_read_stack_references() {
    let (app, web, _) = app();
    let (s, m) = super::matrix(&app, json!({"stack": "net", "port": 22}).to_string().as_bytes());
    assert_eq!(s, 200, "{m}");
    let refs: Vec<&str> = m["instances"].as_array().unwrap().iter().map(|i| i["stack_ref"].as_str().unwrap()).collect();
    assert_eq!(refs, ["net/Web"], "only the stack's instances");
    assert!(m["endpoints"][0]["label"].as_str().unwrap().ends_with(&format!("({web})")));
    let (s, e) = super::matrix(&app, json!({"stack": "other"}).to_string().as_bytes());
    assert_eq!((s, e["error"].as_str().unwrap()), (404, "Stack with id other does not exist"));
    let (s1, a) = super::compare(&app, json!({"from": "net/Web", "to": "net/Web"}).to_string().as_bytes());
    let (s2, b) = super::compare(&app, json!({"from": web, "to": web}).to_string().as_bytes());
    assert_eq!((s1, s2), (200, 200), "{a}");
    assert_eq!(a, b);
    let (s, e) = super::compare(&app, json!({"from": "net/Client", "to": "net/Web"}).to_string().as_bytes());
    assert_eq!((s, e["error"].as_str().unwrap()), (404, "from net/Client is not an instance"));
    let (s, e) = super::compare(&app, json!({"from": "net/Vpc", "to": "net/Web"}).to_string().as_bytes());
    assert_eq!(s, 404);
    assert!(e["error"].as_str().unwrap().contains("net/Vpc (vpc-"), "{e}");
}
