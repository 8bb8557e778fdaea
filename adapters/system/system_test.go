package system_test

import (
	"testing"

	"github.com/google/uuid"

	"github.com/todoapi/todo/adapters/system"
	"github.com/todoapi/todo/core/task"
)

func TestIDsAreVersion7AndOrdered(t *testing.T) {
	var prev string
	seen := make(map[task.ID]bool)
	for i := 0; i < 1000; i++ {
		id := system.IDs{}.NewID()
		u := uuid.UUID(id)
		if u.Version() != 7 || u.Variant() != uuid.RFC4122 {
			t.Fatalf("id %s: version %d variant %v, want 7 RFC 4122", id, u.Version(), u.Variant())
		}
		if seen[id] {
			t.Fatalf("id %s made twice", id)
		}
		seen[id] = true
		if s := id.String(); s <= prev {
			t.Fatalf("id %s does not sort after %s", s, prev)
		} else {
			prev = s
		}
		if parsed, err := task.ParseID(u.String()); err != nil || parsed != id {
			t.Fatalf("ParseID(%s) = %v, %v", u, parsed, err)
		}
	}
}
