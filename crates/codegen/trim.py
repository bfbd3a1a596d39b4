#!/usr/bin/env python3
"""Trims botocore's service models to the operations xvpc implements.

Reads `models/operations.json` (service -> operation names), and for each
service writes `models/<service>.json`: the model's metadata, those
operations and every shape they reach, without documentation (size).
The Rust build reads only the trimmed files, so it needs no Python; run this
after adding an operation to `operations.json` or moving the botocore pin
(tests/requirements.txt):

    python3 crates/codegen/trim.py && cargo run -p xvpc-codegen
"""
import gzip
import json
import os
import sys

import botocore

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(HERE, "models")
# xvpc's service name -> botocore's data directory and API version.
SOURCES = {
    "ec2": ("ec2", "2016-11-15"),
    "elbv2": ("elbv2", "2015-12-01"),
    "sts": ("sts", "2011-06-15"),
    "ram": ("ram", "2018-01-04"),
    "rds": ("rds", "2014-10-31"),
    "elasticache": ("elasticache", "2015-02-02"),
    "redshift": ("redshift", "2012-12-01"),
    "iam": ("iam", "2010-05-08"),
    "logs": ("logs", "2014-03-28"),
    "ssm": ("ssm", "2014-11-06"),
    "cloudformation": ("cloudformation", "2010-05-15"),
    "organizations": ("organizations", "2016-11-28"),
}
# Keys that only document; dropped from every operation, shape and member.
DROP = {"documentation", "documentationUrl", "deprecatedMessage", "examples", "errors", "endpointdiscovery", "authtype", "auth", "staticContextParams", "contextParam", "requestcompression", "httpChecksum"}
METADATA = ("apiVersion", "protocol", "protocols", "jsonVersion", "targetPrefix", "xmlNamespace", "serviceId", "endpointPrefix", "signingName")


def load(directory, version):
    base = os.path.join(os.path.dirname(botocore.__file__), "data", directory, version, "service-2.json")
    if os.path.exists(base + ".gz"):
        with gzip.open(base + ".gz") as f:
            return json.load(f)
    with open(base) as f:
        return json.load(f)


def strip(value):
    if isinstance(value, dict):
        return {k: strip(v) for k, v in value.items() if k not in DROP}
    if isinstance(value, list):
        return [strip(v) for v in value]
    return value


def ordered(shape):
    """Records the members' model order: the generator reads JSON objects
    as sorted maps, and XML elements are written in model order."""
    if "members" in shape:
        shape["memberOrder"] = list(shape["members"])
    return shape


def trim(model, operations):
    missing = [o for o in operations if o not in model["operations"]]
    if missing:
        sys.exit(f"not in the model: {missing}")
    ops = {o: strip(model["operations"][o]) for o in sorted(operations)}
    seen = set()
    stack = [ref["shape"] for op in ops.values() for ref in (op.get("input"), op.get("output")) if ref]
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        shape = model["shapes"][name]
        stack.extend(shape[k]["shape"] for k in ("member", "key", "value") if k in shape)
        stack.extend(m["shape"] for m in shape.get("members", {}).values())
    return {
        "version": model.get("version", "2.0"),
        "botocore": botocore.__version__,
        "metadata": {k: model["metadata"][k] for k in METADATA if k in model["metadata"]},
        "operations": ops,
        "shapes": {n: ordered(strip(model["shapes"][n])) for n in sorted(seen)},
    }


def main():
    with open(os.path.join(MODELS, "operations.json")) as f:
        wanted = json.load(f)
    for service, operations in wanted.items():
        directory, version = SOURCES[service]
        trimmed = trim(load(directory, version), operations)
        path = os.path.join(MODELS, f"{service}.json")
        with open(path, "w") as f:
            json.dump(trimmed, f, indent=1, sort_keys=True)
            f.write("\n")
        print(f"{path}: {len(trimmed['operations'])} operations, {len(trimmed['shapes'])} shapes")


if __name__ == "__main__":
    main()
