"""Go with net/http."""

from __future__ import annotations

from ..strings import GO
from .model import IdiomaticRequest, Snippet


def go_net_http(req: IdiomaticRequest) -> Snippet:
    imports = {"fmt", "io", "log", "net/http"}
    lines = []
    body_arg = "nil"
    body = req.body_text
    if body is not None:
        imports.add("strings")
        lines.append(f"payload := strings.NewReader({GO.literal(body)})")
        body_arg = "payload"
    lines.append(
        f"req, err := http.NewRequest({GO.literal(req.method)}, {GO.literal(req.url_with_query)}, {body_arg})"
    )
    lines += ["if err != nil {", "\tlog.Fatal(err)", "}"]
    cred = req.credential
    if cred is not None:
        imports.add("os")
        if cred.kind == "basic":
            lines.append(
                f'req.SetBasicAuth(os.Getenv("{cred.env_var}"), os.Getenv("{cred.password_env_var}"))'
            )
        elif cred.kind == "bearer":
            lines.append(f'req.Header.Set("Authorization", "Bearer "+os.Getenv("{cred.env_var}"))')
        else:
            lines.append(f'req.Header.Set({GO.literal(cred.header)}, os.Getenv("{cred.env_var}"))')
    for name, value in req.headers:
        lines.append(f"req.Header.Set({GO.literal(name)}, {GO.literal(value)})")
    lines += [
        "res, err := http.DefaultClient.Do(req)",
        "if err != nil {",
        "\tlog.Fatal(err)",
        "}",
        "defer res.Body.Close()",
        "body, err := io.ReadAll(res.Body)",
        "if err != nil {",
        "\tlog.Fatal(err)",
        "}",
        "fmt.Println(res.Status, string(body))",
    ]
    return Snippet([f'import "{name}"' for name in sorted(imports)], "\n".join(lines))
