package httpapi

import (
	"encoding/json"
	"strconv"

	"github.com/todoapi/todo/adapters/httpapi/apidocs"
	"github.com/todoapi/todo/core/task"
)

// The task's JSON is declared once, in taskFields: one entry per member
// says how its value is written from a task, how a body's member is read
// into a patch (writable members only), and what the OpenAPI document says
// about it. appendTask, decodePatch and the Task, TaskCreate, TaskUpdate
// and TaskComplete schemas all come from that table, so a new member is
// one entry here. Rules and limits stay the core's: a member is read as
// given, and the schemas quote the core's constants. A member's other
// names in a body (due_at for due_date, ...) are its aliases
// (wire_decode.go).

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
	// aliases are the member's other names in a body (see alias).
	aliases []alias
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
		name:        "priority",
		appendValue: func(b []byte, t *task.Task) []byte { return appendWord(b, t.Priority().String()) },
		decode:      member(func(p task.Patch, v task.Field[string]) task.Patch { p.Priority = v; return p }),
		want:        "a string or null",
		schema:      obj{"type": "string", "enum": priorities, "description": "`urgent` is the highest."},
		create:      priorityInput("Null or absent means `" + task.DefaultPriority.String() + "`."),
		update:      priorityInput("Null sets `" + task.DefaultPriority.String() + "`."),
		example:     task.DefaultPriority.String(),
	},
	{
		name:        "tags",
		appendValue: appendTags,
		decode:      decodeTags,
		want:        "an array of strings or null",
		schema: obj{"type": "array", "maxItems": task.MaxTags, "uniqueItems": true, "items": tagSchema,
			"description": "In the order given, each spelled as first sent."},
		create:  tagsInput("Null or absent means `[]`."),
		update:  tagsInput("Replaces all the tags; null or `[]` removes them."),
		example: []any{"home"},
	},
	{
		name:        "due_date",
		appendValue: func(b []byte, t *task.Task) []byte { return appendDue(b, t.Due()) },
		decode:      member(func(p task.Patch, v task.Field[string]) task.Patch { p.Due = v; return p }),
		want:        "a string or null",
		aliases:     []alias{{name: "due_at", schema: aliasOf("due_date", dueInput(""))}},
		schema: obj{"type": []any{"string", "null"}, "pattern": `^\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d\.\d{6}Z)?$`,
			"description": "Null when there is none. A date (`YYYY-MM-DD`) reads back as that date: a deadline at the end of that day in UTC. " +
				"A date-time reads back as the same instant, RFC 3339 in UTC with microseconds."},
		create:  dueInput("Null or absent: none. Also accepted as `due_at`."),
		update:  dueInput("Null clears it. Also accepted as `due_at`."),
		example: "2026-12-24",
	},
	{
		name: "remind_at",
		appendValue: func(b []byte, t *task.Task) []byte {
			if at, ok := t.RemindAt(); ok {
				return appendQuotedTime(b, at)
			}
			return append(b, "null"...)
		},
		decode:  member(func(p task.Patch, v task.Field[string]) task.Patch { p.RemindAt = v; return p }),
		want:    "a string or null",
		aliases: []alias{{name: "reminder_at", schema: aliasOf("remind_at", remindInput(""))}, {name: "reminder_time", schema: aliasOf("remind_at", remindInput(""))}},
		schema:  obj{"type": []any{"string", "null"}, "format": "date-time", "description": "When to remind; null when never. RFC 3339 in UTC with microseconds."},
		create:  remindInput("Null or absent: none. Also accepted as `reminder_at` or `reminder_time`."),
		update:  remindInput("Null clears it. Also accepted as `reminder_at` or `reminder_time`."),
		example: nil,
	},
	{
		name:        "recurrence",
		appendValue: func(b []byte, t *task.Task) []byte { return appendWord(b, t.Recurrence().String()) },
		decode:      member(func(p task.Patch, v task.Field[string]) task.Patch { p.Recurrence = v; return p }),
		want:        "a string or null",
		aliases: []alias{
			{name: "recurrence_pattern", schema: aliasOf("recurrence", recurrenceInput(""))},
			{
				name:   "recurrence_rule",
				decode: member(func(p task.Patch, v task.Field[string]) task.Patch { p.RecurrenceRule = v; return p }),
				agree:  sameRecurrence,
				schema: rruleInput(),
			},
		},
		schema: obj{"type": "string", "enum": recurrences,
			"description": "When a recurring task becomes completed, its next occurrence is created (see `next_occurrence_id`)."},
		create:  recurrenceInput("Null or absent means `none`. Also accepted as `recurrence_pattern`, or as `recurrence_rule`."),
		update:  recurrenceInput("Null sets `none`. Also accepted as `recurrence_pattern`, or as `recurrence_rule`."),
		example: task.RecurrenceNone.String(),
	},
	{
		name: "completed_at",
		appendValue: func(b []byte, t *task.Task) []byte {
			if at := t.CompletedAt(); at != nil {
				return appendQuotedTime(b, *at)
			}
			return append(b, "null"...)
		},
		schema:  obj{"type": []any{"string", "null"}, "format": "date-time", "description": "When the task became completed; null while it is not. Read-only."},
		example: nil,
	},
	{
		name: "next_occurrence_id",
		appendValue: func(b []byte, t *task.Task) []byte {
			if id := t.NextOccurrence(); id != nil {
				return append(appendID(append(b, '"'), *id), '"')
			}
			return append(b, "null"...)
		},
		schema: obj{"type": []any{"string", "null"}, "format": "uuid",
			"description": "The task that completing this recurring task created; null when there is none. Completing it again makes no second one. Read-only."},
		example: nil,
	},
	{
		name:        "version",
		appendValue: func(b []byte, t *task.Task) []byte { return strconv.AppendInt(b, t.Version(), 10) },
		schema:      obj{"type": "integer", "minimum": 1, "description": "1 on create, one more with every change that is stored. Read-only."},
		example:     1,
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
