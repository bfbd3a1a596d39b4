//! Response and error envelopes, one pair per protocol.

use crate::error::ApiError;
use crate::HttpResponse;

pub const XML: &str = "text/xml;charset=UTF-8";
pub const EC2_NS: &str = "http://ec2.amazonaws.com/doc/2016-11-15/";

/// ec2Query success: `<{Action}Response xmlns=..><requestId>..</requestId>{body}</..>`.
pub fn ec2_response(action: &str, request_id: &str, body: &str) -> HttpResponse {
    let name = format!("{action}Response");
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{name} xmlns=\"{EC2_NS}\"><requestId>{request_id}</requestId>{body}</{name}>"
    );
    HttpResponse::new(200, XML, xml)
}

/// ec2Query error: `<Response><Errors><Error><Code>..` with `<RequestID>`.
pub fn ec2_error(err: &ApiError, request_id: &str) -> HttpResponse {
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{}</Code><Message>{}</Message></Error></Errors><RequestID>{}</RequestID></Response>",
        crate::xml::escape(&err.code),
        crate::xml::escape(&err.message),
        request_id
    );
    HttpResponse::new(err.status, XML, xml)
}

/// awsQuery success: `<{Action}Response xmlns=ns><{Action}Result>{body}</..><ResponseMetadata>`.
pub fn query_response(action: &str, ns: &str, request_id: &str, body: &str) -> HttpResponse {
    let xml = format!(
        "<{action}Response xmlns=\"{ns}\"><{action}Result>{body}</{action}Result><ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></{action}Response>"
    );
    HttpResponse::new(200, XML, xml)
}

/// awsQuery error: `<ErrorResponse><Error><Type>Sender</Type><Code>..`.
pub fn query_error(err: &ApiError, ns: &str, request_id: &str) -> HttpResponse {
    let kind = if err.is_sender() { "Sender" } else { "Receiver" };
    let xml = format!(
        "<ErrorResponse xmlns=\"{ns}\"><Error><Type>{kind}</Type><Code>{}</Code><Message>{}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>",
        crate::xml::escape(&err.code),
        crate::xml::escape(&err.message)
    );
    HttpResponse::new(err.status, XML, xml)
}

/// restJson1 success.
pub fn json_response(request_id: &str, body: &serde_json::Value) -> HttpResponse {
    HttpResponse::new(200, "application/json", body.to_string()).header("x-amzn-requestid", request_id)
}

/// restJson1 error: the code travels in `x-amzn-ErrorType` and `__type`.
pub fn json_error(err: &ApiError, request_id: &str) -> HttpResponse {
    let body = serde_json::json!({ "__type": err.code, "message": err.message });
    HttpResponse::new(err.status, "application/json", body.to_string())
        .header("x-amzn-errortype", &err.code)
        .header("x-amzn-requestid", request_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ec2_error_envelope_matches_aws() {
        let r = ec2_error(&ApiError::client("InvalidVpcID.NotFound", "The vpc ID 'vpc-1' does not exist"), "req-1");
        assert_eq!(r.status, 400);
        let body = String::from_utf8(r.body).unwrap();
        assert!(body.ends_with("<Response><Errors><Error><Code>InvalidVpcID.NotFound</Code><Message>The vpc ID &apos;vpc-1&apos; does not exist</Message></Error></Errors><RequestID>req-1</RequestID></Response>"));
    }

    #[test]
    fn query_error_names_sender_or_receiver() {
        let r = query_error(&ApiError::client("LoadBalancerNotFound", "x"), "ns", "r");
        assert!(String::from_utf8(r.body).unwrap().contains("<Type>Sender</Type><Code>LoadBalancerNotFound</Code>"));
        let r = query_error(&ApiError::client("InternalFailure", "x").with_status(500), "ns", "r");
        assert!(String::from_utf8(r.body).unwrap().contains("<Type>Receiver</Type>"));
    }
}
