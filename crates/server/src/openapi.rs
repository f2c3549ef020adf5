//! The OpenAPI 3.1 document, built from the route table ([`crate::ROUTES`]) so that
//! every route is in it, with the request and response shapes of `dto.rs`.

use serde_json::{Value, json};

use crate::routes::{ROUTES, Route};

fn error_response(description: &str) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } })
}

fn ok_json(description: &str, schema: &str) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } } })
}

fn parameters(route: &Route) -> Vec<Value> {
    let integer = json!({ "type": "integer", "format": "int64", "minimum": 0 });
    let mut out: Vec<Value> = route
        .path
        .split('/')
        .filter_map(|segment| segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(|name| json!({ "name": name, "in": "path", "required": true, "schema": integer }))
        .collect();
    let query: &[(&str, bool)] = match (route.method, route.path) {
        ("GET", "/api/entries") => &[("from", false), ("limit", false)],
        ("GET", "/api/proofs/inclusion") => &[("index", true), ("size", false)],
        ("GET", "/api/proofs/consistency") => &[("old", true), ("new", false)],
        _ => &[],
    };
    out.extend(
        query
            .iter()
            .map(|(name, required)| json!({ "name": name, "in": "query", "required": required, "schema": integer })),
    );
    out
}

fn operation(route: &Route) -> Value {
    let (success, schema, body) = match (route.method, route.path) {
        ("GET", "/health") => ("200", Some("Health"), None),
        ("GET", "/metrics") => ("200", None, None),
        ("GET", "/api/openapi.json") => ("200", None, None),
        ("GET", "/api/whoami") => ("200", Some("Whoami"), None),
        ("POST", "/api/entries") => ("201", Some("Receipt"), Some("SubmitRequest")),
        ("GET", "/api/entries") => ("200", Some("EntriesPage"), None),
        ("GET", "/api/entries/{index}") => ("200", Some("Entry"), None),
        ("GET", "/api/checkpoints") => ("200", Some("CheckpointList"), None),
        ("GET", "/api/checkpoints/latest") => ("200", Some("Checkpoint"), None),
        ("POST", "/api/checkpoints/{number}/cosignatures") => ("201", Some("Checkpoint"), Some("CosignRequest")),
        ("GET", "/api/proofs/inclusion") => ("200", Some("InclusionProof"), None),
        ("GET", "/api/proofs/consistency") => ("200", Some("ConsistencyProof"), None),
        _ => ("200", None, None),
    };
    let mut responses = serde_json::Map::new();
    responses.insert(
        success.into(),
        match schema {
            Some(schema) => ok_json("Success", schema),
            None if route.path == "/metrics" => {
                json!({ "description": "Prometheus text format", "content": { "text/plain": { "schema": { "type": "string" } } } })
            }
            None => json!({ "description": "Success", "content": { "application/json": { "schema": { "type": "object" } } } }),
        },
    );
    if route.action.is_some() {
        responses.insert("400".into(), error_response("Malformed request: the reason names the field"));
        responses.insert("401".into(), error_response("Missing, unknown or revoked token"));
        responses.insert("403".into(), error_response("The role may not do this, or not as that submitter"));
        responses.insert("404".into(), error_response("No such entry or checkpoint"));
    }
    if body.is_some() {
        responses.insert("413".into(), error_response("The body is larger than 1 MiB"));
        responses.insert("409".into(), error_response("Already done (e.g. co-signed with this key)"));
    }
    if route.path == "/health" || route.action.is_some() {
        let reason = "The store cannot be reached, the server is stopping, or it is busy (Retry-After)";
        responses.insert("503".into(), error_response(reason));
    }
    let mut op = json!({
        "summary": route.summary,
        "operationId": format!("{} {}", route.method.to_lowercase(), route.path),
        "parameters": parameters(route),
        "responses": responses,
    });
    if let Some(action) = route.action {
        op["security"] = json!([{ "bearer": [] }]);
        op["description"] = json!(format!("Needs a token whose role may {action} (see docs/server.md)."));
    } else {
        op["security"] = json!([]);
    }
    if let Some(body) = body {
        op["requestBody"] = json!({ "required": true, "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{body}") } } } });
    }
    op
}

fn schemas() -> Value {
    let hex = |n: usize| json!({ "type": "string", "pattern": format!("^[0-9a-f]{{{n}}}$") });
    let string = json!({ "type": "string" });
    let integer = json!({ "type": "integer", "format": "int64", "minimum": 0 });
    let kinds = json!({ "type": "string", "enum": armistice_core::journal::EntryKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>() });
    let submission = json!({
        "type": "object", "additionalProperties": false, "required": ["kind", "submitter", "key", "payload"],
        "properties": { "kind": kinds, "submitter": string, "key": hex(64), "payload": string,
            "corrects": { "type": "object", "additionalProperties": false, "required": ["index", "hash"], "properties": { "index": integer, "hash": hex(64) } } }
    });
    let entry = json!({
        "type": "object", "required": ["index", "leaf_hash", "received_at", "submission", "signature", "receipt", "canonical"],
        "properties": { "index": integer, "leaf_hash": hex(64), "received_at": string, "submission": submission.clone(),
            "signature": hex(128), "receipt": hex(128), "canonical": { "type": "string", "description": "The entry's canonical bytes (its Merkle leaf)" } }
    });
    let cosignature = json!({ "type": "object", "additionalProperties": false, "required": ["name", "key", "signature"], "properties": { "name": string, "key": hex(64), "signature": hex(128) } });
    let checkpoint = json!({
        "type": "object", "required": ["number", "size", "root", "time", "signature", "cosignatures"],
        "properties": { "number": integer, "size": integer, "root": hex(64), "time": string, "signature": hex(128), "cosignatures": { "type": "array", "items": cosignature.clone() } }
    });
    let proof = json!({ "type": "array", "items": hex(64) });
    json!({
        "Error": { "type": "object", "required": ["error"], "properties": { "error": string } },
        "Health": { "type": "object", "properties": { "status": string, "entries": integer } },
        "Whoami": { "type": "object", "properties": { "name": string, "role": string, "side": { "type": ["string", "null"] }, "key": hex(64) } },
        "Submission": submission,
        "SubmitRequest": { "type": "object", "additionalProperties": false, "required": ["submission", "signature"], "properties": { "submission": { "$ref": "#/components/schemas/Submission" }, "signature": hex(128) } },
        "Entry": entry,
        "Receipt": { "type": "object", "required": ["index", "leaf_hash", "entry"], "properties": { "index": integer, "leaf_hash": hex(64), "entry": { "$ref": "#/components/schemas/Entry" } } },
        "EntriesPage": { "type": "object", "properties": { "entries": { "type": "array", "items": { "$ref": "#/components/schemas/Entry" } }, "size": integer, "next": { "type": ["integer", "null"] } } },
        "Checkpoint": checkpoint,
        "CheckpointList": { "type": "object", "properties": { "checkpoints": { "type": "array", "items": { "$ref": "#/components/schemas/Checkpoint" } } } },
        "CosignRequest": cosignature,
        "InclusionProof": { "type": "object", "properties": { "index": integer, "size": integer, "leaf_hash": hex(64), "root": hex(64), "proof": proof.clone() } },
        "ConsistencyProof": { "type": "object", "properties": { "old": integer, "new": integer, "old_root": hex(64), "new_root": hex(64), "proof": proof } },
    })
}

/// The whole document.
pub fn document() -> Value {
    let mut paths = serde_json::Map::new();
    for route in ROUTES {
        let item = paths.entry(route.path).or_insert_with(|| json!({}));
        item[route.method.to_lowercase()] = operation(route);
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "armistice journal API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Submit signed entries to the armistice's tamper-evident journal, read them with Merkle proofs, and co-sign checkpoints. Roles and what each may do: docs/server.md.",
        },
        "paths": paths,
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer", "description": "A token from `armistice user add`" } },
            "schemas": schemas(),
        },
    })
}
