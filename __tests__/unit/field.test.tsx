import { renderToStaticMarkup } from "react-dom/server";
import { Field, SelectField, TextareaField } from "@/app/_components/field";

describe("labelled controls", () => {
  it("ties an input to its label, hint and error, and marks it invalid", () => {
    const html = renderToStaticMarkup(<Field id="url" label="Endpoint URL" hint="https only" error="Not a URL" name="url" defaultValue="x" />);
    expect(html).toContain('<label for="url"');
    const input = /<input[^>]*>/.exec(html)![0];
    for (const attribute of ['name="url"', 'id="url"', 'aria-invalid="true"', 'aria-describedby="url-hint url-error"', 'value="x"']) expect(input).toContain(attribute);
    expect(html).toContain('<p id="url-hint"');
    expect(html).toContain('<p id="url-error"');
    expect(html).toContain("border-red-500");
  });

  it("keeps a caller's aria-describedby and adds nothing when there is no hint or error", () => {
    const html = renderToStaticMarkup(<Field id="name" label="Name" aria-describedby="extra" />);
    expect(html).toMatch(/<input[^>]*id="name"[^>]*aria-describedby="extra"/);
    expect(html).not.toContain("aria-invalid");
    expect(html).toContain("border-slate-300");
  });

  it("gives a textarea four rows unless told otherwise, and a select room for its arrow", () => {
    expect(renderToStaticMarkup(<TextareaField id="d" label="Description" />)).toMatch(/<textarea[^>]*rows="4"/);
    expect(renderToStaticMarkup(<TextareaField id="d" label="Description" rows={2} />)).toMatch(/<textarea[^>]*rows="2"/);
    const select = renderToStaticMarkup(
      <SelectField id="role" label="Role" inputClassName="w-40">
        <option value="member">Member</option>
      </SelectField>,
    );
    expect(select).toMatch(/<select[^>]*id="role"[^>]*class="[^"]*pr-8 w-40"/);
    expect(select).toContain('<option value="member">Member</option>');
  });

  it("makes its own id when none is given", () => {
    const html = renderToStaticMarkup(<Field label="Email" hint="We never share it" />);
    const id = /<input[^>]*id="([^"]+)"/.exec(html)?.[1];
    expect(id).toMatch(/^field-/);
    expect(html).toContain(`<label for="${id}"`);
    expect(html).toContain(`aria-describedby="${id}-hint"`);
  });
});
