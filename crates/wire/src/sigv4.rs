//! AWS Signature Version 4: reading the credential scope, and verifying.
//!
//! Every client talks to one endpoint URL, so the service and region of a
//! request come from the credential scope
//! (`Credential=AKID/20261126/us-east-1/ec2/aws4_request`), and the caller
//! from the access key id. Verification recomputes the signature from the
//! canonical request, as AWS documents it.

use hmac::{Hmac, Mac};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::{Digest, Sha256};

use crate::error::WireError;
use crate::HttpRequest;

/// The parts of a SigV4 `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    pub access_key: String,
    pub date: String,
    pub region: String,
    pub service: String,
    pub signed_headers: Vec<String>,
    pub signature: String,
}

impl Authorization {
    /// The credential scope `date/region/service/aws4_request`.
    pub fn scope(&self) -> String {
        format!("{}/{}/{}/aws4_request", self.date, self.region, self.service)
    }
}

/// Parses `AWS4-HMAC-SHA256 Credential=.., SignedHeaders=.., Signature=..`.
pub fn parse_authorization(header: &str) -> Result<Authorization, WireError> {
    let bad = |why: &str| WireError::MalformedAuthorization(why.to_string());
    let rest = header
        .trim()
        .strip_prefix("AWS4-HMAC-SHA256")
        .ok_or_else(|| bad("unsupported algorithm"))?;
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let part = part.trim();
        if let Some(v) = part.strip_prefix("Credential=") {
            credential = Some(v);
        } else if let Some(v) = part.strip_prefix("SignedHeaders=") {
            signed = Some(v);
        } else if let Some(v) = part.strip_prefix("Signature=") {
            signature = Some(v);
        }
    }
    let credential = credential.ok_or_else(|| bad("missing Credential"))?;
    let fields: Vec<&str> = credential.split('/').collect();
    if fields.len() != 5 || fields[4] != "aws4_request" || fields.iter().any(|f| f.is_empty()) {
        return Err(bad("Credential must be AKID/date/region/service/aws4_request"));
    }
    Ok(Authorization {
        access_key: fields[0].to_string(),
        date: fields[1].to_string(),
        region: fields[2].to_string(),
        service: fields[3].to_string(),
        signed_headers: signed
            .ok_or_else(|| bad("missing SignedHeaders"))?
            .split(';')
            .map(|s| s.to_ascii_lowercase())
            .collect(),
        signature: signature.ok_or_else(|| bad("missing Signature"))?.to_string(),
    })
}

/// RFC 3986 unreserved characters stay as they are; everything else is
/// percent-encoded, as SigV4's canonical query string requires.
const SIGV4_SET: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = form_urlencoded_pairs(query)
        .map(|(k, v)| {
            (utf8_percent_encode(&k, SIGV4_SET).to_string(), utf8_percent_encode(&v, SIGV4_SET).to_string())
        })
        .collect();
    pairs.sort();
    pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
}

/// Query pairs decoded with `%XX` but, unlike forms, `+` kept literal.
fn form_urlencoded_pairs(query: &str) -> impl Iterator<Item = (String, String)> + '_ {
    query.split('&').filter(|s| !s.is_empty()).map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let dec = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned();
        (dec(k), dec(v))
    })
}

fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    // HMAC accepts keys of any length, so construction cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("hmac takes any key length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// Why a signature was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyError {
    /// A header named in SignedHeaders (or `x-amz-date`) is missing.
    MissingHeader(String),
    /// The recomputed signature differs.
    Mismatch,
}

/// The signature a request should carry, given the secret key.
pub fn expected_signature(req: &HttpRequest, auth: &Authorization, secret: &str) -> Result<String, VerifyError> {
    let mut canonical_headers = String::new();
    for name in &auth.signed_headers {
        let values: Vec<String> = req
            .headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        if values.is_empty() {
            return Err(VerifyError::MissingHeader(name.clone()));
        }
        canonical_headers.push_str(name);
        canonical_headers.push(':');
        canonical_headers.push_str(&values.join(","));
        canonical_headers.push('\n');
    }
    let payload_hash = match req.header("x-amz-content-sha256") {
        Some(h) => h.to_string(),
        None => sha256_hex(&req.body),
    };
    let path = if req.path.is_empty() { "/" } else { req.path.as_str() };
    let canonical_request = format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        req.method,
        path,
        canonical_query(&req.query),
        canonical_headers,
        auth.signed_headers.join(";"),
        payload_hash
    );
    let amz_date = req.header("x-amz-date").ok_or_else(|| VerifyError::MissingHeader("x-amz-date".into()))?;
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{}\n{}\n{}",
        amz_date,
        auth.scope(),
        sha256_hex(canonical_request.as_bytes())
    );
    let mut key = hmac(format!("AWS4{secret}").as_bytes(), auth.date.as_bytes());
    for part in [auth.region.as_str(), auth.service.as_str(), "aws4_request"] {
        key = hmac(&key, part.as_bytes());
    }
    Ok(hex::encode(hmac(&key, string_to_sign.as_bytes())))
}

/// Verifies the request's signature against `secret`.
pub fn verify(req: &HttpRequest, auth: &Authorization, secret: &str) -> Result<(), VerifyError> {
    let expected = expected_signature(req, auth, secret)?;
    if constant_time_eq(expected.as_bytes(), auth.signature.as_bytes()) {
        Ok(())
    } else {
        Err(VerifyError::Mismatch)
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_credential_scope() {
        let a = parse_authorization(
            "AWS4-HMAC-SHA256 Credential=111111111111/20261126/eu-west-1/ec2/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=abc",
        )
        .unwrap();
        assert_eq!(a.access_key, "111111111111");
        assert_eq!(a.region, "eu-west-1");
        assert_eq!(a.service, "ec2");
        assert_eq!(a.signed_headers, vec!["content-type", "host", "x-amz-date"]);
        assert!(parse_authorization("AWS4-HMAC-SHA256 Credential=x/y").is_err());
        assert!(parse_authorization("Basic abc").is_err());
    }

    proptest::proptest! {
        #[test]
        fn any_authorization_header_parses_without_panic(h in ".*") {
            let _ = parse_authorization(&h);
        }

        #[test]
        fn well_formed_headers_round_trip(
            key in "[A-Z0-9]{12,20}", region in "[a-z]{2}-[a-z]{4,9}-[1-9]", service in "[a-z0-9]{2,20}",
            headers in proptest::collection::vec("[a-z0-9-]{1,20}", 1..6), sig in "[0-9a-f]{64}",
        ) {
            let h = format!(
                "AWS4-HMAC-SHA256 Credential={key}/20261126/{region}/{service}/aws4_request, SignedHeaders={}, Signature={sig}",
                headers.join(";")
            );
            let a = parse_authorization(&h).unwrap();
            proptest::prop_assert_eq!((a.access_key, a.region, a.service, a.signed_headers, a.signature), (key, region, service, headers, sig));
        }
    }

    /// AWS's published example "GET with query parameters" from the SigV4
    /// test suite (get-vanilla-query-order-key-case).
    #[test]
    fn verifies_aws_test_vector() {
        let req = HttpRequest {
            method: "GET".into(),
            path: "/".into(),
            query: "Param2=value2&Param1=value1".into(),
            headers: vec![("host".into(), "example.amazonaws.com".into()), ("x-amz-date".into(), "20150830T123600Z".into())],
            body: vec![],
        };
        let auth = Authorization {
            access_key: "AKIDEXAMPLE".into(),
            date: "20150830".into(),
            region: "us-east-1".into(),
            service: "service".into(),
            signed_headers: vec!["host".into(), "x-amz-date".into()],
            signature: "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500".into(),
        };
        assert_eq!(verify(&req, &auth, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), Ok(()));
        assert_eq!(verify(&req, &auth, "wrong"), Err(VerifyError::Mismatch));
    }
}
