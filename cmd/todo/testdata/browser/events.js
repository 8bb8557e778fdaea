// What a frontend on another origin does to follow its tasks live: trade
// its bearer token for a ticket with fetch, open an EventSource with the
// ticket (EventSource sends no headers), then create a task with fetch and
// wait for its own task.created event.
export async function liveEvents(API, userId, token) {
  const steps = [];
  const res = await fetch(`${API}/api/${userId}/events/tickets`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}` },
  });
  if (res.status !== 201) throw new Error(`POST tickets: ${res.status} ${await res.text()}`);
  const { ticket, expires_in } = await res.json();
  if (!ticket || expires_in !== 30) throw new Error(`ticket: ${ticket} ${expires_in}`);
  steps.push("ticket");

  const es = new EventSource(`${API}/api/${userId}/events?ticket=${encodeURIComponent(ticket)}`);
  try {
    await new Promise((resolve, reject) => {
      es.onopen = resolve;
      es.onerror = () => reject(new Error("EventSource failed to open"));
    });
    steps.push("open");

    const title = `live from ${location.origin}`;
    const seen = new Promise((resolve, reject) => {
      es.addEventListener("task.created", (e) => resolve(e));
      es.onerror = () => reject(new Error("EventSource failed"));
      setTimeout(() => reject(new Error("no task.created event within 10 s")), 10000);
    });
    const created = await fetch(`${API}/api/${userId}/tasks`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ title }),
    });
    if (created.status !== 201) throw new Error(`create: ${created.status}`);
    const task = await created.json();
    steps.push("create");

    const e = await seen;
    const change = JSON.parse(e.data);
    if (change.op !== "created" || change.task_id !== task.id || change.task.title !== title) {
      throw new Error(`event: ${e.data}`);
    }
    if (e.lastEventId !== change.cursor) throw new Error(`lastEventId ${e.lastEventId}, cursor ${change.cursor}`);
    steps.push("event");
    return { steps, taskId: task.id };
  } finally {
    es.close();
  }
}
