// Agent roles: the built-ins (view, customise, reset) and custom roles (create, edit, delete).

import { useState, type FormEvent } from "react";
import { ROLE_NAME_PATTERN, ROLE_NAME_RULE, slugRoleName, type Role, type RoleInput } from "../../api/settings";
import { useCreateRole, useDeleteRole, useRoles, useUpdateRole } from "../../hooks/useSettings";
import { useUnsavedGuard } from "../../hooks/useUnsavedGuard";
import { ConfirmDialog } from "../ConfirmDialog";
import { Spinner } from "../Elapsed";
import { ErrorNote } from "../ErrorNote";
import { useToast } from "../Toasts";

function RoleForm({
  initial,
  models,
  submitLabel,
  pending,
  error,
  onSubmit,
  onCancel,
  withName,
}: {
  initial: RoleInput & { name?: string };
  models: string[];
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (role: RoleInput & { name: string }) => void;
  onCancel: () => void;
  withName?: boolean;
}) {
  const [name, setName] = useState(initial.name ?? "");
  const [description, setDescription] = useState(initial.description ?? "");
  const [prompt, setPrompt] = useState(initial.system_prompt);
  const [model, setModel] = useState(initial.default_model ?? "");
  // Typed freely; stored as its slug ("doc writer" → "doc-writer"), shown before creating.
  const slug = slugRoleName(name);
  const nameOk = !withName || ROLE_NAME_PATTERN.test(slug);
  const dirty =
    name !== (initial.name ?? "") ||
    description !== (initial.description ?? "") ||
    prompt !== initial.system_prompt ||
    model !== (initial.default_model ?? "");
  const guard = useUnsavedGuard(dirty && !pending, "This role has unsaved edits.");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!nameOk) return;
    onSubmit({
      name: withName ? slug : name,
      description: description.trim(),
      system_prompt: prompt,
      default_model: model.trim() || null,
    });
  };
  // The guard's dialog sits outside the form: its buttons must not submit it.
  return (
    <>
      <form onSubmit={submit} className="role-form">
        {withName && (
          <div className="field">
            <label className="field">
              <span>Name</span>
              <input
                value={name}
                onChange={(e) => setName(e.target.value)}
                maxLength={100}
                autoFocus
                aria-describedby="role-name-rule"
                aria-invalid={name.trim() !== "" && !nameOk}
              />
            </label>
            <p id="role-name-rule" className={`small ${name.trim() && !nameOk ? "error-note" : "muted"}`} aria-live="polite">
              {name.trim() && nameOk && slug !== name ? (
                <>
                  Will be created as <code>{slug}</code>.
                </>
              ) : (
                ROLE_NAME_RULE
              )}
            </p>
          </div>
        )}
        <label className="field">
          <span>Description</span>
          <input value={description} onChange={(e) => setDescription(e.target.value)} maxLength={2000} />
        </label>
        <label className="field">
          <span>System prompt</span>
          <textarea value={prompt} onChange={(e) => setPrompt(e.target.value)} rows={6} />
        </label>
        <label className="field">
          <span>Default model (optional)</span>
          <input value={model} onChange={(e) => setModel(e.target.value)} list="role-models" spellCheck={false} />
          <datalist id="role-models">
            {models.map((m) => (
              <option key={m} value={m} />
            ))}
          </datalist>
        </label>
        <div className="row end">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={pending || !nameOk || !prompt.trim()}>
            {pending ? "Saving…" : submitLabel}
          </button>
        </div>
        {!prompt.trim() && <p className="muted small">A system prompt is required.</p>}
        <ErrorNote error={error} />
      </form>
      {guard}
    </>
  );
}

function RoleItem({ role, models }: { role: Role; models: string[] }) {
  const toast = useToast();
  const update = useUpdateRole();
  const remove = useDeleteRole();
  const [open, setOpen] = useState(false);
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const resetting = role.builtin;
  return (
    <li className="role-item" data-role={role.name}>
      <div className="row between">
        <button className="role-toggle" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
          <strong>{role.name}</strong>
          {role.builtin && <span className="badge">built-in</span>}
          {role.customized && <span className="badge warn">customised</span>}
        </button>
        <span className="muted small role-desc">{role.description}</span>
      </div>
      {open && !editing && (
        <div className="role-body">
          <pre className="role-prompt">{role.system_prompt}</pre>
          {role.default_model && (
            <p className="small">
              Default model: <code>{role.default_model}</code>
            </p>
          )}
          <div className="row end">
            <button onClick={() => setEditing(true)}>{role.builtin && !role.customized ? "Customise" : "Edit"}</button>
            {(!role.builtin || role.customized) && (
              <button className="danger" onClick={() => setConfirming(true)}>
                {resetting ? "Reset to default" : "Delete"}
              </button>
            )}
          </div>
        </div>
      )}
      {open && editing && (
        <RoleForm
          initial={role}
          models={models}
          submitLabel="Save role"
          pending={update.isPending}
          error={update.error}
          onCancel={() => setEditing(false)}
          onSubmit={(r) =>
            update.mutate(
              { name: role.name, role: { description: r.description, system_prompt: r.system_prompt, default_model: r.default_model } },
              {
                onSuccess: () => {
                  setEditing(false);
                  toast.success(`Saved role ${role.name}.`);
                },
              },
            )
          }
        />
      )}
      <ConfirmDialog
        open={confirming}
        title={resetting ? `Reset ${role.name} to its default prompt?` : `Delete the role ${role.name}?`}
        confirmLabel={resetting ? "Reset" : "Delete role"}
        danger
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          remove.mutate(role.name, {
            onSuccess: () => toast.success(resetting ? `${role.name} reset to its default.` : `Deleted role ${role.name}.`),
          });
        }}
      >
        <p>
          {resetting
            ? "Your edits to this built-in role are discarded."
            : "Flows and calls that name this role will no longer find it."}
        </p>
      </ConfirmDialog>
    </li>
  );
}

export function RolesSection({ models }: { models: string[] }) {
  const toast = useToast();
  const roles = useRoles();
  const create = useCreateRole();
  const [adding, setAdding] = useState(false);
  return (
    <section className="card" aria-labelledby="roles-heading">
      <div className="row between">
        <h2 id="roles-heading">Agent roles</h2>
        {!adding && (
          <button onClick={() => setAdding(true)} className="primary">
            New role
          </button>
        )}
      </div>
      <p className="muted small">System prompts that flows and the Architect use for each kind of agent.</p>
      {adding && (
        <RoleForm
          withName
          initial={{ name: "", description: "", system_prompt: "", default_model: null }}
          models={models}
          submitLabel="Create role"
          pending={create.isPending}
          error={create.error}
          onCancel={() => setAdding(false)}
          onSubmit={(r) =>
            create.mutate(r, {
              onSuccess: (saved) => {
                setAdding(false);
                toast.success(`Created role ${saved.name}.`);
              },
            })
          }
        />
      )}
      {roles.isPending && <Spinner label="Loading roles" />}
      <ErrorNote error={roles.error} />
      <ul className="plain-list roles">
        {roles.data?.map((role) => (
          <RoleItem key={role.name} role={role} models={models} />
        ))}
      </ul>
    </section>
  );
}
