package httpapi

import (
	"maps"
	"strconv"

	"github.com/todoapi/todo/adapters/httpapi/apidocs"
	"github.com/todoapi/todo/core/idempotency"
)

// What the document says about conditional requests and idempotency keys:
// the headers a request may send, and those a response may carry.

// The names of the request headers in the document's components.
const (
	paramIfMatch        = "IfMatch"
	paramIfNoneMatch    = "IfNoneMatch"
	paramIdempotencyKey = "IdempotencyKey"
)

var (
	// readConditions are a read's parameters besides its own.
	readConditions = []string{paramIfMatch, paramIfNoneMatch}
	// writeConditions are those of a write on a task.
	writeConditions = []string{paramIfMatch, paramIfNoneMatch, paramIdempotencyKey}
)

var writeParameters = map[string]apidocs.Object{
	paramIfMatch: {"name": "If-Match", "in": "header", "schema": obj{"type": "string", "examples": []any{`"3"`, "*"}},
		"description": "The `ETag` of the version you read (or several, comma-separated). A write to a task with any other version " +
			"answers 412 with the current `ETag` and changes nothing; `*` matches any existing task. The check runs on the task as the " +
			"write locked it, so no other write can slip in between. A read answers 412 unless it names the current `ETag` " +
			"(compared strongly: a weak tag never matches)."},
	paramIfNoneMatch: {"name": "If-None-Match", "in": "header", "schema": obj{"type": "string", "examples": []any{`"3"`, `W/"1x2y3z"`}},
		"description": "The `ETag` you hold (or several). A read answers 304, without a body, while it is still current (compared weakly); " +
			"a write answers 412 when it names the task's current version, and `*` always does."},
	paramIdempotencyKey: {"name": "Idempotency-Key", "in": "header",
		"schema": obj{"type": "string", "minLength": 1, "maxLength": idempotency.MaxKeyLength + 2, "examples": []any{"8e03978e-40d5-43e8-bc93-6894a57f9324"}},
		"description": "1 to " + strconv.Itoa(idempotency.MaxKeyLength) + " visible ASCII characters (a random UUID makes a good one), " +
			"as they are or in double quotes. A retry with the same key and the same request (method, path and body) gets the first " +
			"response again (status, body, `Location`, `ETag`) with `Idempotent-Replayed: true`, and changes nothing, even after a " +
			"crash or on another replica. The same key with another request is a 422; while the first request is still running, a 409. " +
			"A request that failed stored nothing: retry it as it was. Keys are the user's own, kept `IDEMPOTENCY_TTL` (24 hours by default)."},
}

var writeHeaders = map[string]apidocs.Object{
	replayedHeader: {"description": "`true`: the response of an earlier request with the same `Idempotency-Key`, replayed; " +
		"this request changed nothing.", "schema": obj{"type": "string", "const": "true"}},
}

// parameters are every named parameter of the document.
func parameters() map[string]apidocs.Object {
	out := listParameters()
	maps.Copy(out, writeParameters)
	return out
}

// responseHeaders are every named response header of the document but
// the document's own.
func responseHeaders() map[string]apidocs.Object {
	out := maps.Clone(listHeaders)
	maps.Copy(out, writeHeaders)
	return out
}
