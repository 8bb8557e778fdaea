package apidocs

func components() obj {
	problem := func(description string) obj {
		return obj{"description": description, "headers": obj{"X-Request-Id": ref("headers", "XRequestId")},
			"content": obj{"application/problem+json": obj{"schema": ref("schemas", "Problem")}}}
	}
	unauthorized := problem("No token, or a token that is malformed, badly signed, expired, not yet valid, without `sub` or `exp`, for another issuer or audience, or signed with an algorithm not allowed.")
	unauthorized["headers"] = obj{"WWW-Authenticate": ref("headers", "WWWAuthenticate"), "X-Request-Id": ref("headers", "XRequestId")}
	unavailable := problem("The database is unreachable; retry after the given delay.")
	unavailable["headers"] = obj{"Retry-After": ref("headers", "RetryAfter"), "X-Request-Id": ref("headers", "XRequestId")}
	invalid := problem("A rule is broken: `errors` names each field.")
	invalid["content"] = obj{"application/problem+json": obj{"schema": ref("schemas", "ValidationProblem")}}

	return obj{
		"securitySchemes": obj{"bearerAuth": obj{
			"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
			"description": "A JWT from Better Auth's JWT plugin (`GET {BETTER_AUTH_URL}/api/auth/token`), or one signed HS256 with `BETTER_AUTH_SECRET` when that is configured. In development, `todo token --user ID` prints one.",
		}},
		"parameters": obj{
			"UserID": obj{"name": "user_id", "in": "path", "required": true, "description": "The user's id; must equal the token's `sub`.",
				"schema": obj{"type": "string", "minLength": 1}},
			"TaskID": obj{"name": "task_id", "in": "path", "required": true, "description": "The task's id (a UUID; anything else is a 404).",
				"schema": obj{"type": "string"}},
		},
		"headers": obj{
			"Location":        obj{"description": "The URL of the created task.", "schema": obj{"type": "string", "format": "uri-reference"}},
			"XRequestId":      obj{"description": "The request's id, taken from the request's X-Request-Id when it sent a sane one.", "schema": obj{"type": "string"}},
			"WWWAuthenticate": obj{"description": "`Bearer`, with `error=\"invalid_token\"` when a token was sent but refused (RFC 6750).", "schema": obj{"type": "string", "pattern": "^Bearer"}},
			"RetryAfter":      obj{"description": "Seconds to wait before retrying.", "schema": obj{"type": "string", "pattern": "^[0-9]+$"}},
		},
		"responses": obj{
			"BadRequest":   problem("The body is not valid JSON, or a field has the wrong JSON type."),
			"Unauthorized": unauthorized,
			"Forbidden":    problem("The token's user is not the `{user_id}` of the path."),
			"NotFound":     problem("No such task for this user (also when the id is not a UUID, or the task is another user's)."),
			"TooLarge":     problem("The body is larger than the limit (64 KiB by default)."),
			"Invalid":      invalid,
			"Internal":     problem("Something unexpected; the details are in the server's log, not here."),
			"Unavailable":  unavailable,
			"Problem":      problem("Any other error, such as the router's own 404 or 405."),
		},
		"schemas": schemas(),
	}
}

func schemas() obj {
	nullableText := func(max int, description string) obj {
		return obj{"type": []any{"string", "null"}, "maxLength": max, "description": description}
	}
	title := obj{"type": "string", "minLength": 1, "maxLength": 200, "description": "Surrounding white space is trimmed; 1 to 200 characters (Unicode code points) after trimming."}
	return obj{
		"Task": obj{
			"type":                 "object",
			"additionalProperties": false,
			"required":             []any{"id", "user_id", "title", "description", "completed", "created_at", "updated_at"},
			"properties": obj{
				"id":          obj{"type": "string", "format": "uuid", "description": "Made by the server: a UUID version 7, so ids sort by creation time."},
				"user_id":     obj{"type": "string", "minLength": 1, "description": "The owner: the token's `sub`."},
				"title":       title,
				"description": nullableText(1000, "Null when there is none."),
				"completed":   obj{"type": "boolean"},
				"created_at":  obj{"type": "string", "format": "date-time", "description": "RFC 3339 in UTC with microseconds."},
				"updated_at":  obj{"type": "string", "format": "date-time", "description": "Moves forward on every change."},
			},
			"example": obj{"id": "0193b5c2-6a4e-7c1e-9f7a-2b1f0c9d8e7a", "user_id": "Xk3f9Qp2", "title": "Buy milk", "description": nil,
				"completed": false, "created_at": "2026-11-25T19:40:00.123456Z", "updated_at": "2026-11-25T19:40:00.123456Z"},
		},
		"TaskCreate": obj{
			"type":        "object",
			"required":    []any{"title"},
			"description": "Read-only fields (`id`, `user_id`, `created_at`, `updated_at`) and unknown fields are ignored.",
			"properties": obj{
				"title":       title,
				"description": nullableText(1000, "Optional."),
				"completed":   obj{"type": []any{"boolean", "null"}, "default": false, "description": "Optional; null or absent means false."},
			},
			"example": obj{"title": "Buy milk", "description": "Two litres"},
		},
		"TaskUpdate": obj{
			"type":        "object",
			"description": "Only the fields present change. Read-only and unknown fields are ignored.",
			"properties": obj{
				"title":       obj{"type": "string", "minLength": 1, "maxLength": 200, "description": "Must not be null."},
				"description": nullableText(1000, "Null clears it."),
				"completed":   obj{"type": "boolean"},
			},
			"example": obj{"completed": true},
		},
		"TaskComplete": obj{
			"type":        "object",
			"description": "`completed` sets the flag; without it (or without a body) the flag flips.",
			"properties":  obj{"completed": obj{"type": "boolean"}},
			"example":     obj{"completed": true},
		},
		"Problem": obj{
			"type":        "object",
			"description": "An RFC 9457 problem.",
			"required":    []any{"type", "title", "status", "detail"},
			"properties": obj{
				"type":   obj{"type": "string", "format": "uri-reference", "description": "Always `about:blank`: the status says what kind of problem it is."},
				"title":  obj{"type": "string", "description": "The status's reason phrase."},
				"status": obj{"type": "integer", "minimum": 400, "maximum": 599},
				"detail": obj{"type": "string", "description": "A human-readable explanation."},
			},
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
