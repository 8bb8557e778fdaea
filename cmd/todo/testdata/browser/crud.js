// What a frontend on another origin does with the Todo API: fetch with a
// bearer token. Each step throws on anything unexpected; a request that CORS
// blocks makes fetch throw a TypeError.
export async function crud(API, userId, token) {
  const call = async (method, path, body, headers = {}, want = null) => {
    const res = await fetch(`${API}/api/${userId}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body ? { "Content-Type": "application/json" } : {}),
        ...headers,
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (want ? res.status !== want : !res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return { res, data: text ? JSON.parse(text) : null };
  };
  const steps = [];
  const title = `from ${location.origin}`;

  const { res, data: task } = await call("POST", "/tasks", { title });
  if (task.title !== title || task.completed) throw new Error(`create: ${JSON.stringify(task)}`);
  steps.push("create");
  const location_ = res.headers.get("Location"); // readable only if the API exposes it

  let { data: list } = await call("GET", "/tasks");
  if (!list.some((t) => t.id === task.id)) throw new Error("list: the new task is missing");
  steps.push("list");

  const { res: flip, data: toggled } = await call("PATCH", `/${task.id}/toggle`);
  if (!toggled.completed) throw new Error("toggle: still not completed");
  steps.push("toggle");

  // Preconditions and idempotency keys: the preflight must allow If-Match,
  // If-None-Match and Idempotency-Key, and the page must read ETag and
  // Idempotent-Replayed, or these steps fail.
  const etag = flip.headers.get("ETag");
  if (etag !== `"${toggled.version}"`) throw new Error(`ETag ${etag}, version ${toggled.version}`);
  await call("GET", `/tasks/${task.id}`, null, { "If-None-Match": etag }, 304);
  await call("PATCH", `/tasks/${task.id}`, { title: "stale" }, { "If-Match": '"1"' }, 412);
  const write = [`/tasks/${task.id}`, { title: "renamed" }, { "If-Match": etag, "Idempotency-Key": crypto.randomUUID() }];
  const { data: renamed } = await call("PATCH", ...write);
  const { res: again, data: replayed } = await call("PATCH", ...write);
  if (again.headers.get("Idempotent-Replayed") !== "true" || replayed.version !== renamed.version) {
    throw new Error(`retry: Idempotent-Replayed ${again.headers.get("Idempotent-Replayed")}, version ${replayed.version}`);
  }
  steps.push("precondition", "replay");

  await call("DELETE", `/tasks/${task.id}`);
  ({ data: list } = await call("GET", "/"));
  if (list.some((t) => t.id === task.id)) throw new Error("delete: the task is still listed");
  steps.push("delete");

  return { steps, taskId: task.id, location: location_ };
}

// report puts the outcome where the test reads it: window.result, and the page.
export function report(promise) {
  promise
    .then((r) => ({ ok: true, ...r }), (e) => ({ ok: false, name: e.name, message: e.message }))
    .then((r) => {
      document.getElementById("out").textContent = JSON.stringify(r, null, 1);
      window.result = r;
    });
}
