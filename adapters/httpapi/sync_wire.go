package httpapi

import (
	"github.com/todoapi/todo/adapters/httpapi/apidocs"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
)

// The JSON of the trash and of the change feed, and its schemas. A
// trashed task is the task's JSON (taskFields) with deleted_at; a change
// holds the task's JSON, or null.

// appendTrashed appends a trashed task: the task's members, then
// deleted_at.
func appendTrashed(b []byte, t task.Trashed) []byte {
	b = appendTask(b, t.Task)
	b = append(b[:len(b)-1], `,"deleted_at":`...)
	return append(appendQuotedTime(b, t.DeletedAt), '}')
}

// appendChange appends one change of owner's feed, at pos (the position
// just after it, its cursor).
func appendChange(b []byte, owner identity.UserID, pos task.FeedPosition, c task.Change) []byte {
	b = append(b, `{"cursor":`...)
	b = appendString(b, encodeFeedCursor(owner, pos))
	b = append(b, `,"op":`...)
	b = appendWord(b, c.Op.String())
	b = append(b, `,"task_id":"`...)
	b = append(appendID(b, c.TaskID), `","task":`...)
	if c.Task != nil {
		b = appendTask(b, c.Task)
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"at":`...)
	return append(appendQuotedTime(b, c.At), '}')
}

// changeOps are the names of the operations a change may hold.
func changeOps() []any {
	var out []any
	for _, op := range task.ChangeOps() {
		out = append(out, op.String())
	}
	return out
}

// cursorSchema is a change cursor's.
var cursorSchema = obj{"type": "string", "minLength": 1, "pattern": "^[A-Za-z0-9_-]+$",
	"description": "Opaque: a position in the user's change feed. Keep it as it is; it is no use to another user."}

// syncSchemas are the schemas of the trash and the change feed.
func syncSchemas(task obj) map[string]apidocs.Object {
	props := obj{}
	for k, v := range task["properties"].(obj) {
		props[k] = v
	}
	props["deleted_at"] = obj{"type": "string", "format": "date-time", "description": "When the task was deleted (moved to the trash)."}
	required := append(append([]any{}, task["required"].([]any)...), "deleted_at")
	example := obj{}
	for k, v := range task["example"].(obj) {
		example[k] = v
	}
	example["deleted_at"] = exampleTime
	return map[string]apidocs.Object{
		"TrashedTask": {
			"type": "object", "additionalProperties": false, "required": required, "properties": props, "example": example,
			"description": "A task in the trash: the task as it was when deleted, and when that was.",
		},
		"Change": {
			"type": "object", "additionalProperties": false,
			"required":    []any{"cursor", "op", "task_id", "task", "at"},
			"description": "One change of the user's tasks. Apply changes in the order given; a client should skip an `op` it does not know.",
			"properties": obj{
				"cursor": obj{"allOf": []any{cursorSchema}, "description": "The position just after this change: `since` to read on from it."},
				"op": obj{"type": "string", "enum": changeOps(),
					"description": "`created` (also a recurring task's next occurrence), `updated` (update, toggle, complete), `deleted` (moved to the trash), `restored`, `purged` (removed from the trash for good), `reminder` (the task's `remind_at` passed: show a reminder; the task itself did not change, nor did its `version`)."},
				"task_id": obj{"type": "string", "format": "uuid"},
				"task": obj{"anyOf": []any{apidocs.SchemaRef("Task"), obj{"type": "null"}},
					"description": "The task as the change left it; null for `deleted` and `purged`."},
				"at": obj{"type": "string", "format": "date-time", "description": "When the change was made; for `reminder`, when it fired (at or up to a few seconds after `remind_at`)."},
			},
		},
		"ChangesPage": {
			"type": "object", "additionalProperties": false, "required": []any{"changes", "next", "has_more"},
			"properties": obj{
				"changes":  obj{"type": "array", "items": apidocs.SchemaRef("Change"), "description": "In commit order, each exactly once."},
				"next":     obj{"allOf": []any{cursorSchema}, "description": "Where to read on from: the last change's cursor, or `since` when there were none."},
				"has_more": obj{"type": "boolean", "description": "More changes follow: read again from `next` at once."},
			},
		},
	}
}
