// Slipway: bring a MongoDB replica set to the wanted state, idempotently.
// Settings come from the environment (see roles/mongodb/tasks/replica_set.yml);
// prints "changed" or "ok" last.
const env = process.env;
const admin = db.getSiblingDB("admin");
let changed = false;

// Until the admin user exists, the localhost exception lets us in unauthenticated.
let authenticated = false;
try {
  admin.auth(env.SLIPWAY_ADMIN_USER, env.SLIPWAY_ADMIN_PASSWORD);
  authenticated = true;
} catch (error) {
  authenticated = false;
}

try {
  rs.status();
} catch (error) {
  if (error.codeName !== "NotYetInitialized") {
    throw error;
  }
  const members = JSON.parse(env.SLIPWAY_RS_MEMBERS);
  rs.initiate({
    _id: env.SLIPWAY_RS_NAME,
    members: members.map((host, index) => ({ _id: index, host: host })),
  });
  changed = true;
}

for (let waited = 0; !db.hello().isWritablePrimary; waited++) {
  if (waited >= 120) {
    throw new Error("this member did not become primary within 120 s");
  }
  sleep(1000);
}

if (!authenticated) {
  admin.createUser({
    user: env.SLIPWAY_ADMIN_USER,
    pwd: env.SLIPWAY_ADMIN_PASSWORD,
    roles: [{ role: "root", db: "admin" }],
  });
  admin.auth(env.SLIPWAY_ADMIN_USER, env.SLIPWAY_ADMIN_PASSWORD);
  changed = true;
}

if (admin.getUser(env.SLIPWAY_APP_USER) === null) {
  admin.createUser({
    user: env.SLIPWAY_APP_USER,
    pwd: env.SLIPWAY_APP_PASSWORD,
    roles: [{ role: "readWrite", db: env.SLIPWAY_APP_DATABASE }],
  });
  changed = true;
}

print(changed ? "changed" : "ok");
