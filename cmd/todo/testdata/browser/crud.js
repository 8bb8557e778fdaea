// What a frontend on another origin does with the Todo API: fetch with a
// bearer token. Each step throws on anything unexpected; a request that CORS
// blocks makes fetch throw a TypeError.
export async function crud(API, userId, token) {
  const call = async (method, path, body) => {
    const res = await fetch(`${API}/api/${userId}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body ? { "Content-Type": "application/json" } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
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

  const { data: toggled } = await call("PATCH", `/${task.id}/toggle`);
  if (!toggled.completed) throw new Error("toggle: still not completed");
  steps.push("toggle");

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
