package httpapi

import "github.com/todoapi/todo/adapters/httpapi/apidocs"

type obj = apidocs.Object

// taskSchemas are the task's shapes on the wire, for the OpenAPI document.
func taskSchemas() map[string]apidocs.Object {
	nullableText := func(max int, description string) obj {
		return obj{"type": []any{"string", "null"}, "maxLength": max, "description": description}
	}
	title := obj{"type": "string", "minLength": 1, "maxLength": 200, "description": "Surrounding white space is trimmed; 1 to 200 characters (Unicode code points) after trimming."}
	return map[string]apidocs.Object{
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
	}
}
