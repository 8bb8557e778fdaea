package apidocs

// components are what operations refer to: the given schemas, parameters
// and headers, and the document's own security scheme, path parameters,
// headers and the error responses every operation shares.
func components(api API) obj {
	problem := func(description string) obj {
		return obj{"description": description, "headers": obj{"X-Request-Id": ref("headers", "XRequestId")},
			"content": obj{"application/problem+json": obj{"schema": ref("schemas", "Problem")}}}
	}
	unauthorized := problem("No token, or a token that is malformed, badly signed, expired, not yet valid, without `sub` or `exp`, for another issuer or audience, or signed with an algorithm not allowed; or two `Authorization` headers.")
	unauthorized["headers"] = obj{"WWW-Authenticate": ref("headers", "WWWAuthenticate"), "X-Request-Id": ref("headers", "XRequestId")}
	unavailable := problem("The database is unreachable; retry after the given delay.")
	unavailable["headers"] = obj{"Retry-After": ref("headers", "RetryAfter"), "X-Request-Id": ref("headers", "XRequestId")}
	tooMany := problem("Too many requests: the user's rate limit, or the client address's limit on requests without a valid token, is spent. " +
		"Every answer of a task route carries `RateLimit-Policy` and `RateLimit` when a limit counted it.")
	tooMany["headers"] = obj{"Retry-After": ref("headers", "RetryAfter"), "RateLimit-Policy": ref("headers", "RateLimitPolicy"),
		"RateLimit": ref("headers", "RateLimit"), "X-Request-Id": ref("headers", "XRequestId")}
	invalid := problem("A rule is broken: `errors` names each field, and `detail` names them all in one line. " +
		"Also an `Idempotency-Key` sent again with another request (method, path or body): `errors` names `Idempotency-Key`.")
	invalid["content"] = obj{"application/problem+json": obj{"schema": ref("schemas", "ValidationProblem")}}
	invalidOrLimit := problem("A rule is broken, or an `Idempotency-Key` was sent again with another request, as for any 422 " +
		"(`errors` names each field); or the user keeps as many tasks as `MAX_TASKS_PER_USER` allows already (10000 by default; " +
		"tasks in the trash do not count): then `type` is `/problems/task-limit`, `detail` names the limit, there is no `errors`, " +
		"and nothing changed. Delete (or purge) tasks to make room.")
	invalidOrLimit["content"] = obj{"application/problem+json": obj{"schema": obj{
		"anyOf": []any{ref("schemas", "ValidationProblem"), ref("schemas", "TaskLimitProblem")}}}}
	preconditionFailed := problem("`If-Match` names no current version of the task (or `If-None-Match` names the current one): " +
		"nothing changed. `ETag` is the current one: read the task again, or send no precondition to overwrite it.")
	preconditionFailed["headers"] = obj{"ETag": ref("headers", "ETag"), "X-Request-Id": ref("headers", "XRequestId")}
	notModified := obj{"description": "Not modified: `If-None-Match` names the current `ETag`; keep what you have. No body.",
		"headers": obj{"ETag": ref("headers", "ETag"), "X-Request-Id": ref("headers", "XRequestId")}}

	params := obj{
		"UserID": obj{"name": "user_id", "in": "path", "required": true, "description": "The user's id; must equal the token's `sub`.",
			"schema": obj{"type": "string", "minLength": 1}},
		"TaskID": obj{"name": "task_id", "in": "path", "required": true, "description": "The task's id (a UUID; anything else is a 404).",
			"schema": obj{"type": "string"}},
	}
	headers := obj{
		"Location":        obj{"description": "The URL of the created task.", "schema": obj{"type": "string", "format": "uri-reference"}},
		"XRequestId":      obj{"description": "The request's id, taken from the request's X-Request-Id when it sent a sane one.", "schema": obj{"type": "string"}},
		"WWWAuthenticate": obj{"description": "`Bearer`, with `error=\"invalid_token\"` when a token was sent but refused (RFC 6750).", "schema": obj{"type": "string", "pattern": "^Bearer"}},
		"RetryAfter":      obj{"description": "Seconds to wait before retrying.", "schema": obj{"type": "string", "pattern": "^[0-9]+$"}},
		"RateLimitPolicy": obj{"description": "The limit that counted the request (IETF draft syntax), e.g. `\"user\";q=1200;w=60`.", "schema": obj{"type": "string"}},
		"RateLimit":       obj{"description": "What is left of it, and the seconds until it is full, e.g. `\"user\";r=412;t=23`.", "schema": obj{"type": "string"}},
		"ETag": obj{"description": "The entity tag (RFC 9110): a task's is strong, its `version` in quotes (`\"3\"`); a list's is weak " +
			"(`W/\"…\"`), a hash of the page. Send it back in `If-None-Match` (reads) or `If-Match` (writes).",
			"schema": obj{"type": "string", "pattern": `^(W/)?"[^"]*"$`}},
	}
	return obj{
		"schemas":    merge("schema", problemSchemas(), api.Schemas),
		"parameters": merge("parameter", params, api.Parameters),
		"headers":    merge("header", headers, api.Headers),
		"securitySchemes": obj{"bearerAuth": obj{
			"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
			"description": "A JWT from Better Auth's JWT plugin (`GET {BETTER_AUTH_URL}/api/auth/token`), or one signed HS256 with `BETTER_AUTH_SECRET` when that is configured. In development, `todo token --user ID` prints one.",
		}, "eventTicket": obj{
			"type": "apiKey", "in": "query", "name": "ticket",
			"description": "A ticket from `POST /api/{user_id}/events/tickets`, for a browser's `EventSource`, which cannot send an `Authorization` header: " +
				"single use, valid for 30 seconds, on any replica, for its user's event stream only.",
		}},
		"responses": obj{
			"BadRequest":   problem("The body is not valid JSON, a field has the wrong JSON type, or a query parameter has a value outside its set (`detail` names the parameter and what it allows)."),
			"Unauthorized": unauthorized,
			"Forbidden":    problem("The token's user is not the `{user_id}` of the path."),
			"NotModified":  notModified,
			"NotFound":     problem("No such task for this user (also when the id is not a UUID, or the task is another user's)."),
			"Conflict": problem("Another request with the same `Idempotency-Key` is still being processed: retry once it has been answered, " +
				"and get its response."),
			"PreconditionFailed": preconditionFailed,
			"TooLarge":           problem("The body is larger than the limit (64 KiB by default)."),
			"Gone": problem("The change cursor was never issued for this user's feed, or the changes after it are no longer kept " +
				"(`CHANGE_RETENTION`): list the tasks again and read the changes from that list's `X-Change-Cursor`."),
			"Invalid":      invalid,
			InvalidOrLimit: invalidOrLimit,
			"TooMany":      tooMany,
			"Internal":     problem("Something unexpected; the details are in the server's log, not here."),
			"Unavailable":  unavailable,
			"Problem":      problem("Any other error, such as the router's own 404 or 405."),
		},
	}
}

// merge adds the given named objects to the document's own, which they
// must not replace.
func merge(kind string, own obj, given map[string]Object) obj {
	for name, o := range given {
		if own[name] != nil {
			panic("apidocs: the " + kind + " " + name + " is the document's own")
		}
		own[name] = o
	}
	return own
}

// problemSchemas are the schemas of the shared error responses.
func problemSchemas() obj {
	return obj{
		"Problem": obj{
			"type":        "object",
			"description": "An RFC 9457 problem.",
			"required":    []any{"type", "title", "status", "detail"},
			"properties": obj{
				"type": obj{"type": "string", "format": "uri-reference", "description": "`about:blank`: the status says what kind of problem " +
					"it is; except `/problems/task-limit` (see TaskLimitProblem), relative to the API's URL."},
				"title":  obj{"type": "string", "description": "The status's reason phrase."},
				"status": obj{"type": "integer", "minimum": 400, "maximum": 599},
				"detail": obj{"type": "string", "description": "A human-readable explanation."},
			},
		},
		"TaskLimitProblem": obj{
			"allOf": []any{ref("schemas", "Problem"), obj{
				"type":        "object",
				"description": "The user keeps as many tasks as the limit allows already; `detail` names the limit.",
				"required":    []any{"type"},
				"properties":  obj{"type": obj{"type": "string", "const": "/problems/task-limit"}, "status": obj{"const": 422}},
			}},
		},
		"ValidationProblem": obj{
			"allOf": []any{ref("schemas", "Problem"), obj{
				"type":     "object",
				"required": []any{"errors"},
				"properties": obj{"errors": obj{"type": "array", "minItems": 1, "items": obj{
					"type": "object", "required": []any{"field", "message"},
					"properties": obj{"field": obj{"type": "string"}, "message": obj{"type": "string"}},
				}}},
			}},
		},
	}
}
