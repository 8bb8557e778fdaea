package httpapi

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/todoapi/todo/adapters/httpapi/apidocs"
	"github.com/todoapi/todo/core/task"
)

// The task's JSON is declared once, in taskFields: one entry per member
// says how its value is written from a task, how a body's member is read
// into a patch (writable members only), and what the OpenAPI document says
// about it. appendTask, decodePatch and the Task, TaskCreate, TaskUpdate
// and TaskComplete schemas all come from that table, so a new member is
// one entry here. Rules and limits stay the core's: a member is read as
// given, and the schemas quote the core's constants.

// wireField is one member of the task's JSON.
type wireField struct {
	name string
	// key is what appendTask writes before the value: `,"name":`, without
	// the comma for the first member. Made once, so encoding a task
	// formats no name.
	key string
	// appendValue appends the member's JSON value for t.
	appendValue func(b []byte, t *task.Task) []byte
	// decode returns p with the member's raw value in its field; false
	// means the value has the wrong JSON type. Nil for a read-only member.
	// The patch goes by value: through a pointer it would escape to the
	// heap on every request.
	decode func(raw json.RawMessage, p task.Patch) (task.Patch, bool)
	// want names the JSON type decode takes, for the 400's detail.
	want string
	// schema describes the member in a task; create and update in the
	// bodies of those operations, nil for a read-only member.
	schema, create, update apidocs.Object
	// requiredOnCreate says in the document that create needs the member,
	// which the core decides.
	requiredOnCreate bool
	// example is the member's value in the Task schema's example.
	example any
}

type obj = apidocs.Object

var (
	titleRule = "Surrounding white space is trimmed; 1 to " + strconv.Itoa(task.MaxTitleLength) +
		" characters (Unicode code points) after trimming."
	titleSchema = obj{"type": "string", "minLength": 1, "maxLength": task.MaxTitleLength, "description": titleRule}
	exampleTime = "2026-11-25T19:40:00.123456Z"
)

// taskFields are the members of the task's JSON, in the order written.
var taskFields = withKeys([]wireField{
	{
		name: "id",
		appendValue: func(b []byte, t *task.Task) []byte {
			return append(appendID(append(b, '"'), t.ID()), '"')
		},
		schema:  obj{"type": "string", "format": "uuid", "description": "Made by the server: a UUID version 7, so ids sort by creation time."},
		example: "0193b5c2-6a4e-7c1e-9f7a-2b1f0c9d8e7a",
	},
	{
		name:        "user_id",
		appendValue: func(b []byte, t *task.Task) []byte { return appendString(b, string(t.Owner())) },
		schema:      obj{"type": "string", "minLength": 1, "description": "The owner: the token's `sub`."},
		example:     "Xk3f9Qp2",
	},
	{
		name:             "title",
		appendValue:      func(b []byte, t *task.Task) []byte { return appendString(b, t.Title()) },
		decode:           member(func(p task.Patch, v task.Field[string]) task.Patch { p.Title = v; return p }),
		want:             "a string",
		schema:           titleSchema,
		create:           titleSchema,
		update:           obj{"type": "string", "minLength": 1, "maxLength": task.MaxTitleLength, "description": "Must not be null."},
		requiredOnCreate: true,
		example:          "Buy milk",
	},
	{
		name: "description",
		appendValue: func(b []byte, t *task.Task) []byte {
			if d := t.Description(); d != nil {
				return appendString(b, *d)
			}
			return append(b, "null"...)
		},
		decode:  member(func(p task.Patch, v task.Field[string]) task.Patch { p.Description = v; return p }),
		want:    "a string or null",
		schema:  nullableText(task.MaxDescriptionLength, "Null when there is none."),
		create:  nullableText(task.MaxDescriptionLength, "Optional."),
		update:  nullableText(task.MaxDescriptionLength, "Null clears it."),
		example: nil,
	},
	{
		name:        "completed",
		appendValue: func(b []byte, t *task.Task) []byte { return strconv.AppendBool(b, t.Completed()) },
		decode:      member(func(p task.Patch, v task.Field[bool]) task.Patch { p.Completed = v; return p }),
		want:        "true or false",
		schema:      obj{"type": "boolean"},
		create:      obj{"type": []any{"boolean", "null"}, "default": false, "description": "Optional; null or absent means false."},
		update:      obj{"type": "boolean"},
		example:     false,
	},
	{
		name: "created_at",
		appendValue: func(b []byte, t *task.Task) []byte {
			return append(appendTime(append(b, '"'), t.CreatedAt()), '"')
		},
		schema:  obj{"type": "string", "format": "date-time", "description": "RFC 3339 in UTC with microseconds."},
		example: exampleTime,
	},
	{
		name: "updated_at",
		appendValue: func(b []byte, t *task.Task) []byte {
			return append(appendTime(append(b, '"'), t.UpdatedAt()), '"')
		},
		schema:  obj{"type": "string", "format": "date-time", "description": "Moves forward on every change."},
		example: exampleTime,
	},
})

// completedField is the one member /complete reads.
var completedField = fieldNamed("completed")

func withKeys(fields []wireField) []wireField {
	for i := range fields {
		key := string(appendString([]byte(","), fields[i].name)) + ":"
		if i == 0 {
			key = key[1:]
		}
		fields[i].key = key
	}
	return fields
}

func fieldNamed(name string) *wireField {
	for i := range taskFields {
		if taskFields[i].name == name {
			return &taskFields[i]
		}
	}
	panic("httpapi: no task member " + name)
}

func nullableText(max int, description string) obj {
	return obj{"type": []any{"string", "null"}, "maxLength": max, "description": description}
}

// appendTask appends the task's JSON object, members in the table's order.
func appendTask(b []byte, t *task.Task) []byte {
	b = append(b, '{')
	for i := range taskFields {
		f := &taskFields[i]
		b = append(b, f.key...)
		b = f.appendValue(b, t)
	}
	return append(b, '}')
}

// member returns the decode of one field of a patch: a null is a present
// null, a value of type T is set, anything else is the wrong JSON type.
// Whether a null or a value is allowed is the core's rule, not ours.
func member[T any](set func(task.Patch, task.Field[T]) task.Patch) func(json.RawMessage, task.Patch) (task.Patch, bool) {
	return func(raw json.RawMessage, p task.Patch) (task.Patch, bool) {
		if string(raw) == "null" {
			return set(p, task.Null[T]()), true
		}
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			return p, false
		}
		return set(p, task.Set(v)), true
	}
}

// decodePatch reads the writable members of a task; read-only and unknown
// members are ignored. On false a 400 has been written.
func decodePatch(c *gin.Context, m map[string]json.RawMessage) (task.Patch, bool) {
	var p task.Patch
	ok := true
	for i := range taskFields {
		if f := &taskFields[i]; f.decode != nil {
			if p, ok = decodeMember(c, m, f, p); !ok {
				break
			}
		}
	}
	return p, ok
}

// decodeMember returns p with one member of the body in it, when it is
// there. A value of the wrong JSON type is a 400 naming the member.
func decodeMember(c *gin.Context, m map[string]json.RawMessage, f *wireField, p task.Patch) (task.Patch, bool) {
	raw, present := m[f.name]
	if !present {
		return p, true
	}
	p, ok := f.decode(raw, p)
	if !ok {
		badRequest(c, `The field "`+f.name+`" must be `+f.want+".")
	}
	return p, ok
}

// taskSchemas are the task's shapes for the OpenAPI document: the task as
// written, and the bodies of create, update and complete.
func taskSchemas() map[string]apidocs.Object {
	props, required, example := obj{}, []any{}, obj{}
	createProps, createRequired, updateProps := obj{}, []any{}, obj{}
	var readOnly []string
	for _, f := range taskFields {
		props[f.name], example[f.name] = f.schema, f.example
		required = append(required, f.name)
		if f.decode == nil {
			readOnly = append(readOnly, "`"+f.name+"`")
			continue
		}
		createProps[f.name], updateProps[f.name] = f.create, f.update
		if f.requiredOnCreate {
			createRequired = append(createRequired, f.name)
		}
	}
	return map[string]apidocs.Object{
		"Task": {
			"type": "object", "additionalProperties": false,
			"required": required, "properties": props, "example": example,
		},
		"TaskCreate": {
			"type": "object", "required": createRequired, "properties": createProps,
			"description": "Read-only fields (" + strings.Join(readOnly, ", ") + ") and unknown fields are ignored.",
			"example":     obj{"title": "Buy milk", "description": "Two litres"},
		},
		"TaskUpdate": {
			"type": "object", "properties": updateProps,
			"description": "Only the fields present change. Read-only and unknown fields are ignored.",
			"example":     obj{"completed": true},
		},
		"TaskComplete": {
			"type": "object", "properties": obj{completedField.name: completedField.update},
			"description": "`completed` sets the flag; without it (or without a body) the flag flips.",
			"example":     obj{"completed": true},
		},
	}
}
