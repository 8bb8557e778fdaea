package httpapi

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
)

// A cursor is where the next page of a list starts: the position of the
// last task of the page before (task.Position), and a fingerprint of the
// list it belongs to (owner, filters, sort and order), in base64url
// without padding. It is opaque to clients but not secret: sorted by
// title, it holds the last title in folded case. A cursor goes only with
// the list it was made for; the page size may change from page to page.
//
// Layout: version 1, the sort field, the position's key (created_at,
// updated_at: a varint of Unix microseconds; due_date: 1 for none, else 0
// and the microseconds; title: a length and the folded title; priority:
// the rank), the 16 bytes of the task id, and 8 bytes of fingerprint.

const cursorVersion = 1

// maxCursor bounds a cursor before it is decoded: a title sort's cursor of
// the longest title is the longest.
var maxCursor = base64.RawURLEncoding.EncodedLen(2 + binary.MaxVarintLen64 + 4*task.MaxTitleLength + 16 + 8)

// fingerprint identifies a list: a cursor made for one answers only it.
type fingerprint [8]byte

// Times a position may hold: those of RFC 3339, years 1 to 9999, which
// every store can compare with.
var (
	minCursorTime = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	maxCursorTime = time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC).UnixMicro()
)

var errCursor = errors.New("not a cursor of this server")

// listFingerprint hashes what makes a list the list it is: whose tasks,
// which of them, in which order. The limit and the page are not part of
// it, nor how the parameters were spelled (status=open and completed=false
// are the same list).
func listFingerprint(owner identity.UserID, q task.Query) fingerprint {
	b := make([]byte, 0, 128)
	b = appendField(b, "todo list v1")
	b = appendField(b, string(owner))
	b = append(b, byte(q.Status), byte(q.Sort), byte(task.ResolveOrder(q.Sort, false, q.Order)), boolByte(q.Overdue))
	ranks := make([]byte, 0, len(q.Priorities))
	for _, p := range q.Priorities {
		ranks = append(ranks, byte(p.Rank()))
	}
	slices.Sort(ranks)
	b = appendField(b, string(ranks))
	tags := slices.Clone(q.Tags)
	slices.Sort(tags)
	b = binary.AppendUvarint(b, uint64(len(tags)))
	for _, tag := range tags {
		b = appendField(b, tag)
	}
	b = appendField(b, task.FoldCase(q.Search))
	for _, at := range []*time.Time{q.DueFrom, q.DueTo} {
		b = append(b, boolByte(at != nil))
		if at != nil {
			b = binary.AppendVarint(b, at.UnixMicro())
		}
	}
	sum := sha256.Sum256(b)
	return fingerprint(sum[:8])
}

func appendField(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}

// encodeCursor returns the cursor of a position in the list fp names.
func encodeCursor(p task.Position, fp fingerprint) string {
	b := make([]byte, 0, 48+len(p.Text))
	b = append(b, cursorVersion, byte(p.Sort))
	switch p.Sort {
	case task.SortTitle:
		b = appendField(b, p.Text)
	case task.SortPriority:
		b = append(b, byte(p.Rank))
	case task.SortDueDate:
		b = append(b, boolByte(p.None))
		if !p.None {
			b = binary.AppendVarint(b, p.Time.UnixMicro())
		}
	default:
		b = binary.AppendVarint(b, p.Time.UnixMicro())
	}
	b = append(b, p.ID[:]...)
	b = append(b, fp[:]...)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor reads a cursor that encodeCursor made: exactly that
// encoding (so a cursor that decodes encodes back to itself), with values
// that a position can hold. Anything else is errCursor.
func decodeCursor(s string) (task.Position, fingerprint, error) {
	var p task.Position
	var fp fingerprint
	if len(s) > maxCursor {
		return p, fp, errCursor
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil || len(b) < 2+16+8 || b[0] != cursorVersion || b[1] > byte(task.SortPriority) {
		return p, fp, errCursor
	}
	p.Sort = task.SortField(b[1])
	key, ok := b[2:len(b)-24], true
	switch p.Sort {
	case task.SortTitle:
		p.Text, ok = readText(key)
	case task.SortPriority:
		ok = len(key) == 1 && int(key[0]) <= task.PriorityUrgent.Rank()
		if ok {
			p.Rank = int(key[0])
		}
	case task.SortDueDate:
		switch {
		case len(key) == 1 && key[0] == 1:
			p.None = true
		case len(key) > 1 && key[0] == 0:
			p.Time, ok = readTime(key[1:])
		default:
			ok = false
		}
	default:
		p.Time, ok = readTime(key)
	}
	if !ok {
		return p, fp, errCursor
	}
	copy(p.ID[:], b[len(b)-24:])
	copy(fp[:], b[len(b)-8:])
	if encodeCursor(p, fp) != s {
		return p, fp, errCursor // another encoding of a position: not one we made
	}
	return p, fp, nil
}

// readTime reads a varint of Unix microseconds that is all of b.
func readTime(b []byte) (time.Time, bool) {
	us, n := binary.Varint(b)
	if n <= 0 || n != len(b) || us < minCursorTime || us > maxCursorTime {
		return time.Time{}, false
	}
	return time.UnixMicro(us).UTC(), true
}

// readText reads a folded title that is all of b: valid UTF-8 without
// control characters, as every title is, so that no store is handed a
// string it cannot hold.
func readText(b []byte) (string, bool) {
	n, size := binary.Uvarint(b)
	if size <= 0 || n != uint64(len(b)-size) || n > 4*task.MaxTitleLength {
		return "", false
	}
	text := b[size:]
	if !utf8.Valid(text) {
		return "", false
	}
	for _, c := range text {
		if c < 0x20 {
			return "", false
		}
	}
	return string(text), true
}
