package task

import (
	"encoding/hex"

	"github.com/todoapi/todo/core/apperr"
)

// ID identifies a task: a UUID, made by the server (version 7, so ids sort by
// creation time).
type ID [16]byte

// String returns the canonical lower-case 8-4-4-4-12 form.
func (id ID) String() string {
	var b [36]byte
	hex.Encode(b[0:8], id[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], id[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], id[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], id[8:10])
	b[23] = '-'
	hex.Encode(b[24:], id[10:])
	return string(b[:])
}

// IsZero reports whether id is the nil UUID.
func (id ID) IsZero() bool { return id == ID{} }

// ParseID parses the canonical form of a UUID (either case). Anything else is
// ENOTFOUND: a task whose id cannot exist is simply not there, and the answer
// must not differ from that for a task that does not exist.
func ParseID(s string) (ID, error) {
	var id ID
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return id, ErrNotFound()
	}
	src := []byte(s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:36])
	if _, err := hex.Decode(id[:], src); err != nil {
		return ID{}, ErrNotFound()
	}
	return id, nil
}

// ErrNotFound returns the error every lookup returns for a task that does not
// exist for the owner asking, whatever the reason.
func ErrNotFound() error { return apperr.Errorf(apperr.ENOTFOUND, "Task not found.") }
