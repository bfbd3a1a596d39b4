//! A state written to the event log before protocols and transit gateway
//! states were typed still loads, and writes back unchanged (the store
//! keeps serde JSON of these structs; a running emulator's log must stay
//! readable across upgrades).

use xvpc_model::transit_gateway::AttachmentState;
use xvpc_model::{IpProtocol, State};

/// Written by the model of commit 2b16df0 (SG rules given as tcp, 17,
/// ICMP, 58, 47 and all; NACL entries as tcp, 17, icmp, 47, -1 and all;
/// a shared gateway with available, pendingAcceptance and deleted
/// attachments, a blackhole route and a deleted route table).
const BEFORE: &str = include_str!("../testdata/state-before-typed-values.json");

#[test]
fn a_snapshot_written_before_round_trips() {
    let state: State = serde_json::from_str(BEFORE).expect("old snapshot loads");
    let again: serde_json::Value = serde_json::to_value(&state).unwrap();
    let before: serde_json::Value = serde_json::from_str(BEFORE).unwrap();
    assert_eq!(again, before, "re-serialised snapshot differs from the stored one");
    let reread: State = serde_json::from_value(again).unwrap();
    assert_eq!(reread, state);
}

#[test]
fn old_spellings_read_as_typed_values() {
    let state: State = serde_json::from_str(BEFORE).unwrap();
    let mut sg: Vec<IpProtocol> = state.security_groups.values().flat_map(|g| g.ingress.iter().map(|r| r.protocol)).collect();
    sg.dedup();
    for p in [IpProtocol::Tcp, IpProtocol::Udp, IpProtocol::Icmp, IpProtocol::Icmpv6, IpProtocol::Number(47), IpProtocol::All] {
        assert!(sg.contains(&p), "SG rule with {p} missing from {sg:?}");
    }
    let nacl: Vec<IpProtocol> = state.network_acls.values().flat_map(|a| a.entries.iter().map(|e| e.protocol)).collect();
    for p in [IpProtocol::Tcp, IpProtocol::Udp, IpProtocol::Icmp, IpProtocol::Number(47), IpProtocol::All] {
        assert!(nacl.contains(&p), "NACL entry with {p} missing");
    }
    let states: Vec<AttachmentState> = state.transit_gateway_attachments.values().map(|a| a.state).collect();
    for s in [AttachmentState::Available, AttachmentState::PendingAcceptance, AttachmentState::Deleted] {
        assert!(states.contains(&s), "{s:?} attachment missing");
    }
}
