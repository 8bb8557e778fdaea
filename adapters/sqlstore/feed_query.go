package sqlstore

import (
	"github.com/todoapi/todo/core/identity"
)

// The SQL of the trash, the change feed and housekeeping, written once for
// both databases as query.go writes the tasks' (see feed.go for why the
// feed never skips a change).

// feedStatements are the constant statements of the trash, the feed and
// housekeeping in one dialect.
type feedStatements struct {
	// trashInsert puts a task in the trash; deleteRead removes a task from
	// tasks over the version its transaction read.
	trashInsert, deleteRead string
	// getTrashed reads (and locks) a trashed task; untrash takes one out of
	// the trash, to restore or purge it.
	getTrashed, untrash string
	// listTrash reads a page of an owner's trash from the start (with an
	// offset), listTrashAfter one after a position.
	listTrash, listTrashAfter string
	// record appends a change and moves the owner's head on, in one
	// statement, on PostgreSQL. SQLite runs recordHead, which makes the
	// owner's head row the first time only, then recordChange, which
	// numbers the change one past the owner's last (see headSQL).
	record, recordHead, recordChange string
	// changes reads an owner's head and the changes after a position.
	changes string
	// The housekeeping statements (see housekeeping.go).
	claim, expiredTrash, pruneOwners, pruneFloor, pruneDelete string
	// The armed reminders' (see reminders.go).
	armReminder, disarmReminder, dueReminders string
}

// headSQL returns the statement that reads the owner's feed head (epoch,
// seq, floor), as one row with NULLs for a feed that has none (max() over
// one row or none), the owner's placeholder given.
//
// On PostgreSQL the head row's seq is the number of the owner's last
// change: raising it is what numbers a change in commit order. SQLite,
// which commits one writer at a time, numbers a change one past the
// owner's last in changes instead, and leaves the head row alone but to
// make it and to prune: each write then dirties one page fewer, which on
// SQLite is most of what a change costs. Its head row's seq is the last
// number as of the last prune (so that it outlives the changes it
// removes), and the head is the greater of that and the last change's.
func (d sqlDialect) headSQL(owner string) string {
	if d.casts {
		return "SELECT max(epoch) AS epoch, max(seq) AS seq, max(floor) AS floor FROM feed_heads WHERE user_id = " + owner
	}
	return "SELECT max(epoch) AS epoch, max(max(seq), coalesce((SELECT max(seq) FROM changes WHERE user_id = " + owner +
		"), 0)) AS seq, max(floor) AS floor FROM feed_heads WHERE user_id = " + owner
}

func (d sqlDialect) feedStatements() feedStatements {
	var s feedStatements
	s.trashInsert = d.fixed(func(p *params) string {
		return "INSERT INTO trash (id, user_id, deleted_at, task) VALUES (" + p.list("uuid", "text", "timestamptz", "json") + ")"
	})
	s.deleteRead = d.fixed(func(p *params) string {
		return "DELETE FROM tasks WHERE id = " + p.add(nil, "uuid") + " AND user_id = " + p.add(nil, "text") +
			" AND version = " + p.add(nil, "bigint")
	})
	where := func(p *params) string {
		return " FROM trash WHERE id = " + p.add(nil, "uuid") + " AND user_id = " + p.add(nil, "text")
	}
	s.getTrashed = d.fixed(func(p *params) string { return "SELECT deleted_at, task" + where(p) + d.lockRow })
	s.untrash = d.fixed(func(p *params) string { return "DELETE" + where(p) })
	// The index (user_id, deleted_at DESC, id DESC) serves both in order.
	const trashOrder = " ORDER BY deleted_at DESC, id DESC LIMIT "
	s.listTrash = d.fixed(func(p *params) string {
		return "SELECT deleted_at, task FROM trash WHERE user_id = " + p.add(nil, "text") + trashOrder +
			p.add(nil, "bigint") + " OFFSET " + p.add(nil, "bigint")
	})
	s.listTrashAfter = d.fixed(func(p *params) string {
		return "SELECT deleted_at, task FROM trash WHERE user_id = " + p.add(nil, "text") +
			" AND (deleted_at, id) < (" + p.list("timestamptz", "uuid") + ")" + trashOrder + p.add(nil, "bigint")
	})

	s.record = d.fixed(func(p *params) string {
		owner := p.add(nil, "text")
		return "WITH head AS (INSERT INTO feed_heads AS h (user_id, epoch, seq) VALUES (" + owner + ", " + p.add(nil, "bigint") + ", 1)" +
			" ON CONFLICT (user_id) DO UPDATE SET seq = h.seq + 1 RETURNING seq)" +
			" INSERT INTO changes (user_id, seq, op, task_id, at, task) SELECT " + owner + ", seq, " +
			p.list("text", "uuid", "timestamptz", "json") + " FROM head"
	})
	s.recordHead = d.fixed(func(p *params) string {
		return "INSERT INTO feed_heads (user_id, epoch, seq) VALUES (" + p.list("text", "bigint") + ", 0)" +
			" ON CONFLICT (user_id) DO NOTHING"
	})
	s.recordChange = d.fixed(func(p *params) string {
		owner := p.add(nil, "text")
		return "INSERT INTO changes (user_id, seq, op, task_id, at, task) SELECT " + owner +
			", max(seq, coalesce((SELECT max(seq) FROM changes WHERE user_id = " + owner + "), 0)) + 1, " +
			p.list("text", "uuid", "timestamptz", "json") + " FROM feed_heads WHERE user_id = " + owner
	})
	// The head and the page come from one statement, so from one snapshot:
	// the floor and the changes read agree. The primary key (user_id, seq)
	// serves the page in order.
	s.changes = d.fixed(func(p *params) string {
		owner := p.add(nil, "text")
		return "SELECT h.epoch, h.seq, h.floor, c.seq, c.op, c.task_id, c.at, c.task FROM (" + d.headSQL(owner) + ") AS h" +
			" LEFT JOIN (SELECT seq, op, task_id, at, task FROM changes WHERE user_id = " + owner +
			" AND seq > " + p.add(nil, "bigint") + " ORDER BY seq LIMIT " + p.add(nil, "bigint") + ") AS c ON true"
	})

	s.claim = d.fixed(func(p *params) string {
		return "INSERT INTO housekeeping AS k (job, next_at) VALUES (" + p.list("text", "timestamptz") + ")" +
			" ON CONFLICT (job) DO UPDATE SET next_at = excluded.next_at WHERE k.next_at <= " + p.add(nil, "timestamptz")
	})
	s.expiredTrash = d.fixed(func(p *params) string {
		return "SELECT user_id, id, deleted_at FROM trash WHERE deleted_at < " + p.add(nil, "timestamptz") +
			" ORDER BY deleted_at, id LIMIT " + p.add(nil, "bigint")
	})
	// An owner's oldest change kept is numbered floor + 1: the owners to
	// prune are those whose oldest is older than the cut, found through
	// the heads and the primary key, without an index on at that every
	// write would have to keep.
	s.pruneOwners = d.fixed(func(p *params) string {
		return "SELECT h.user_id FROM feed_heads AS h JOIN changes AS c ON c.user_id = h.user_id AND c.seq = h.floor + 1" +
			" WHERE c.at < " + p.add(nil, "timestamptz") + " LIMIT " + p.add(nil, "bigint")
	})
	// The floor rises to the last change before the first one made since
	// the cut: the oldest run made before it, never a change after one
	// that is kept, so the changes kept stay a run without gaps.
	// On SQLite it also brings the head row's seq up to the last change's,
	// which the changes it removes may hold (see headSQL).
	s.pruneFloor = d.fixed(func(p *params) string {
		owner, cut := p.add(nil, "text"), p.add(nil, "timestamptz")
		last := "(SELECT max(l.seq) FROM changes AS l WHERE l.user_id = " + owner + ")"
		set := "floor = coalesce((SELECT max(c.seq) FROM changes AS c WHERE c.user_id = " + owner +
			" AND c.seq < coalesce((SELECT min(n.seq) FROM changes AS n WHERE n.user_id = " + owner + " AND n.at >= " + cut + "), " +
			last + " + 1)), floor)"
		if !d.casts {
			set += ", seq = max(seq, coalesce(" + last + ", 0))"
		}
		return "UPDATE feed_heads SET " + set + " WHERE user_id = " + owner
	})
	s.pruneDelete = d.fixed(func(p *params) string {
		owner := p.add(nil, "text")
		return "DELETE FROM changes WHERE user_id = " + owner + " AND seq <= (SELECT floor FROM feed_heads WHERE user_id = " + owner + ")"
	})
	d.reminderStatements(&s)
	return s
}

// withHead wraps a list statement so that each row starts with the owner's
// feed head (epoch, seq) read in the same snapshot as the page, and an
// empty page is one row of the head alone. The page's rows come out of the
// join in the list's order on both databases (a nested loop over the one
// head row); List checks that, and sorts them when not.
func (d sqlDialect) withHead(st string, args []any, owner identity.UserID) (string, []any) {
	p := &params{d: d, args: args}
	return "SELECT h.epoch, h.seq, t.* FROM (" + d.headSQL(p.add(string(owner), "text")) + ") AS h LEFT JOIN (" +
		st + ") AS t ON true", p.args
}
