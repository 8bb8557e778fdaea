package httpapi

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"

	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
)

// A change cursor (since, next, X-Change-Cursor, a change's cursor) is a
// position in one user's change feed: the feed's epoch and the number of
// the last change read, and 8 bytes of a fingerprint of the user, in
// base64url without padding. Opaque to clients: another user's cursor, or
// one this server did not make, is a cursor never issued to this feed.
//
// A trash cursor is a position in one user's trash: when the task was
// deleted, its id, and the user's fingerprint, in the same encoding.

const (
	feedCursorVersion  = 'f'
	trashCursorVersion = 't'
)

// userFingerprint ties a cursor to the user whose feed or trash it is in.
func userFingerprint(kind string, owner identity.UserID) [8]byte {
	sum := sha256.Sum256(appendField([]byte("todo "+kind+" v1"), string(owner)))
	return [8]byte(sum[:8])
}

// encodeFeedCursor returns the cursor of a position of owner's feed.
func encodeFeedCursor(owner identity.UserID, p task.FeedPosition) string {
	b := make([]byte, 0, 32)
	b = append(b, feedCursorVersion)
	b = binary.AppendUvarint(b, uint64(p.Epoch))
	b = binary.AppendUvarint(b, uint64(p.Seq))
	fp := userFingerprint("feed", owner)
	return base64.RawURLEncoding.EncodeToString(append(b, fp[:]...))
}

// decodeFeedCursor reads a cursor encodeFeedCursor made for owner, and
// exactly that encoding; ok is false for anything else.
func decodeFeedCursor(owner identity.UserID, s string) (p task.FeedPosition, ok bool) {
	if len(s) > 64 {
		return p, false
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil || len(b) < 1+2+8 || b[0] != feedCursorVersion {
		return p, false
	}
	epoch, n := binary.Uvarint(b[1:])
	if n <= 0 || epoch > 1<<62 {
		return p, false
	}
	seq, m := binary.Uvarint(b[1+n:])
	if m <= 0 || seq > 1<<62 || 1+n+m+8 != len(b) {
		return p, false
	}
	p = task.FeedPosition{Epoch: int64(epoch), Seq: int64(seq)}
	return p, encodeFeedCursor(owner, p) == s
}

// encodeTrashCursor returns the cursor of a position in owner's trash.
func encodeTrashCursor(owner identity.UserID, p task.TrashPosition) string {
	b := make([]byte, 0, 40)
	b = append(b, trashCursorVersion)
	b = binary.AppendVarint(b, p.DeletedAt.UnixMicro())
	b = append(b, p.ID[:]...)
	fp := userFingerprint("trash", owner)
	return base64.RawURLEncoding.EncodeToString(append(b, fp[:]...))
}

// decodeTrashCursor reads a cursor encodeTrashCursor made for owner.
func decodeTrashCursor(owner identity.UserID, s string) (p task.TrashPosition, ok bool) {
	if len(s) > 64 {
		return p, false
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil || len(b) < 1+1+16+8 || b[0] != trashCursorVersion {
		return p, false
	}
	at, ok := readTime(b[1 : len(b)-24])
	if !ok {
		return p, false
	}
	p = task.TrashPosition{DeletedAt: at, ID: task.ID(b[len(b)-24 : len(b)-8])}
	return p, encodeTrashCursor(owner, p) == s
}
