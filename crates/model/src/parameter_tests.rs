use super::*;

fn ctx(account: &str) -> Ctx {
    Ctx::new(account, "us-east-1", 1_000)
}

fn put_ok(s: &mut State, c: &Ctx, name: &str, value: &str, t: &str) -> i64 {
    let (ch, v, _) = put(s, c, Put { name: name.into(), value: value.into(), param_type: Some(t.into()), ..Default::default() }).unwrap();
    s.apply_all(ch);
    v
}

fn fault(r: Result<impl std::fmt::Debug>) -> SsmFault {
    match r {
        Err(ModelError::Ssm(f, _)) => f,
        other => panic!("{other:?}"),
    }
}

#[test]
fn put_versions_and_overwrite() {
    let (mut s, a) = (State::default(), ctx("111111111111"));
    assert_eq!(put_ok(&mut s, &a, "/app/db/host", "db.local", "String"), 1);
    let again = Put { name: "/app/db/host".into(), value: "x".into(), param_type: Some("String".into()), ..Default::default() };
    assert_eq!(fault(put(&s, &a, again.clone())), SsmFault::ParameterAlreadyExists);
    let (ch, v, tier) = put(&s, &a, Put { overwrite: true, param_type: None, ..again.clone() }).unwrap();
    s.apply_all(ch);
    assert_eq!((v, tier.as_str()), (2, "Standard"));
    let p = own(&s, &a, "/app/db/host").unwrap();
    assert_eq!((p.value.as_str(), p.param_type.as_str(), p.version), ("x", "String", 2));
    assert_eq!(p.id, "arn:aws:ssm:us-east-1:111111111111:parameter/app/db/host");
    let tagged = Put { overwrite: true, tags: [("k".to_string(), "v".to_string())].into(), ..again };
    assert_eq!(fault(put(&s, &a, tagged)), SsmFault::Validation);
    // A SecureString gets AWS's default key.
    put_ok(&mut s, &a, "secret", "pw", "SecureString");
    assert_eq!(own(&s, &a, "secret").unwrap().key_id.as_deref(), Some(DEFAULT_KEY));
}

#[test]
fn put_refusals() {
    let (s, a) = (State::default(), ctx("111111111111"));
    let base = Put { name: "/x".into(), value: "v".into(), param_type: Some("String".into()), ..Default::default() };
    for name in ["/aws/mine", "ssm-thing", "a/b", "/a//b", "/a b", ""] {
        assert_eq!(fault(put(&s, &a, Put { name: name.into(), ..base.clone() })), SsmFault::Validation, "{name}");
    }
    assert_eq!(fault(put(&s, &a, Put { param_type: None, ..base.clone() })), SsmFault::Validation);
    assert_eq!(fault(put(&s, &a, Put { value: String::new(), ..base.clone() })), SsmFault::Validation);
    let image = Put { data_type: Some("aws:ec2:image".into()), ..base.clone() };
    assert!(put(&s, &a, Put { value: "ami-1e749f67".into(), ..image.clone() }).is_ok());
    assert_eq!(fault(put(&s, &a, Put { value: "not-an-ami".into(), ..image })), SsmFault::Validation);
    let many: Tags = (0..51).map(|i| (format!("k{i}"), String::new())).collect();
    assert_eq!(fault(put(&s, &a, Put { tags: many, ..base })), SsmFault::TooManyTags);
}

#[test]
fn find_customer_and_public_names() {
    let (mut s, a, b) = (State::default(), ctx("111111111111"), ctx("222222222222"));
    put_ok(&mut s, &a, "/app/ami", "ami-1e749f67", "String");
    assert!(matches!(find(&s, &a, "/app/ami").unwrap(), Some(Found::Customer(p, None)) if p.value == "ami-1e749f67"));
    assert!(matches!(find(&s, &a, "/app/ami:1").unwrap(), Some(Found::Customer(_, Some("1")))));
    assert_eq!(fault(find(&s, &a, "/app/ami:2")), SsmFault::ParameterVersionNotFound);
    assert!(find(&s, &a, "arn:aws:ssm:us-east-1:111111111111:parameter/app/ami").unwrap().is_some());
    // Another account, or another region, does not see it.
    assert_eq!(find(&s, &b, "/app/ami").unwrap(), None);
    assert_eq!(find(&s, &Ctx::new("111111111111", "eu-west-1", 0), "/app/ami").unwrap(), None);
    let al = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";
    assert!(matches!(find(&s, &b, al).unwrap(), Some(Found::Public(p, None)) if p.name == al));
}

#[test]
fn delete_paths_tags_and_describe() {
    let (mut s, a) = (State::default(), ctx("111111111111"));
    for (n, t) in [("/app/a", "String"), ("/app/b", "StringList"), ("/app/deep/c", "SecureString"), ("flat", "String")] {
        put_ok(&mut s, &a, n, "v", t);
    }
    let names = |v: Vec<&Parameter>| v.into_iter().map(|p| p.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(under(&s, &a, "/app", false)), ["/app/a", "/app/b"]);
    assert_eq!(names(under(&s, &a, "/app", true)), ["/app/a", "/app/b", "/app/deep/c"]);
    let f = |key: &str, option: Option<&str>, values: &[&str]| Filter {
        key: key.into(),
        option: option.map(Into::into),
        values: values.iter().map(|v| v.to_string()).collect(),
    };
    assert_eq!(names(describe(&s, &a, &[f("Name", None, &["/app/b"])]).unwrap()), ["/app/b"]);
    assert_eq!(names(describe(&s, &a, &[f("Name", Some("BeginsWith"), &["/app/"]), f("Type", None, &["String"])]).unwrap()), ["/app/a"]);
    assert_eq!(names(describe(&s, &a, &[f("Path", Some("Recursive"), &["/app/deep"])]).unwrap()), ["/app/deep/c"]);
    assert_eq!(names(describe(&s, &a, &[f("KeyId", None, &[DEFAULT_KEY])]).unwrap()), ["/app/deep/c"]);
    assert_eq!(fault(describe(&s, &a, &[f("Colour", None, &["x"])])), SsmFault::InvalidFilterKey);
    assert_eq!(fault(describe(&s, &a, &[f("Path", Some("Equals"), &["/app"])])), SsmFault::InvalidFilterOption);
    assert_eq!(fault(describe(&State::default(), &a, &[f("Colour", None, &["x"])])), SsmFault::InvalidFilterKey);

    s.apply_all(edit_tags(&s, &a, "/app/a", [("env".to_string(), "dev".to_string())].into(), &[]).unwrap());
    assert_eq!(names(describe(&s, &a, &[f("tag:env", None, &["dev"])]).unwrap()), ["/app/a"]);
    s.apply_all(edit_tags(&s, &a, "/app/a", Tags::new(), &["env".to_string()]).unwrap());
    assert!(own(&s, &a, "/app/a").unwrap().tags.is_empty());
    assert_eq!(fault(edit_tags(&s, &a, "/nope", Tags::new(), &[])), SsmFault::InvalidResourceId);

    s.apply_all(delete(&s, &a, "/app/a").unwrap());
    assert_eq!(fault(delete(&s, &a, "/app/a")), SsmFault::ParameterNotFound);
    assert_eq!(fault(delete(&s, &ctx("222222222222"), "flat")), SsmFault::ParameterNotFound);
    // The stored form round-trips.
    let json = serde_json::to_string(&s).unwrap();
    assert_eq!(serde_json::from_str::<State>(&json).unwrap(), s);
}
