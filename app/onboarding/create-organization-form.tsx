"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, type FormEvent } from "react";
import { Alert } from "@/app/_components/alert";
import { Button } from "@/app/_components/button";
import { Field } from "@/app/_components/field";
import { orgPath } from "@/app/_components/org-paths";
import { authClient } from "@/lib/auth/client";
import { ORGANIZATION_NAME_MAX, SLUG_MAX, slugError, slugify } from "./slug";

interface Errors {
  name?: string;
  slug?: string;
}

/**
 * Creates an organization with the viewer as owner and opens its webhooks
 * (under its slug). The slug follows the name until the user edits it.
 */
export function CreateOrganizationForm() {
  const router = useRouter();
  const [name, setName] = useState("");
  const [slug, setSlug] = useState("");
  const [slugEdited, setSlugEdited] = useState(false);
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const nameRef = useRef<HTMLInputElement>(null);
  const slugRef = useRef<HTMLInputElement>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const trimmed = name.trim();
    const found: Errors = {};
    if (trimmed === "") found.name = "Enter the name of your organization.";
    else if (trimmed.length > ORGANIZATION_NAME_MAX) found.name = `Use at most ${ORGANIZATION_NAME_MAX} characters.`;
    const badSlug = slugError(slug);
    if (badSlug) found.slug = badSlug;
    setErrors(found);
    setFormError(null);
    if (found.name) return nameRef.current?.focus();
    if (found.slug) return slugRef.current?.focus();

    setPending(true);
    const created = await authClient.organization.create({ name: trimmed, slug });
    if (created.error || !created.data) {
      setPending(false);
      const code = created.error?.code ?? "";
      if (code === "ORGANIZATION_ALREADY_EXISTS" || code === "ORGANIZATION_SLUG_ALREADY_TAKEN") {
        setErrors({ slug: "This URL slug is taken. Choose another one." });
        slugRef.current?.focus();
        return;
      }
      setFormError(created.error?.message || "Could not create the organization. Please try again.");
      return;
    }
    router.push(orgPath(created.data.slug));
    router.refresh();
  }

  return (
    <form noValidate onSubmit={(event) => void onSubmit(event)} className="space-y-5">
      {formError ? <Alert tone="error">{formError}</Alert> : null}
      <Field
        ref={nameRef}
        label="Organization name"
        name="name"
        autoComplete="organization"
        required
        placeholder="Acme Inc."
        value={name}
        error={errors.name}
        onChange={(event) => {
          setName(event.target.value);
          if (!slugEdited) setSlug(slugify(event.target.value));
          if (errors.name || (!slugEdited && errors.slug)) setErrors({ slug: slugEdited ? errors.slug : undefined });
        }}
      />
      <Field
        ref={slugRef}
        label="URL slug"
        name="slug"
        required
        maxLength={SLUG_MAX}
        autoCapitalize="none"
        autoCorrect="off"
        spellCheck={false}
        hint="A short unique identifier: lowercase letters, digits and hyphens."
        value={slug}
        error={errors.slug}
        onChange={(event) => {
          setSlug(event.target.value.toLowerCase());
          setSlugEdited(event.target.value !== "");
          if (errors.slug) setErrors({ ...errors, slug: undefined });
        }}
      />
      <Button type="submit" loading={pending} className="w-full">
        Create organization
      </Button>
    </form>
  );
}
