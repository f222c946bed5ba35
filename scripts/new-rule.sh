#!/usr/bin/env bash
# Scaffold a rule: its rule file, its failing and passing fixtures, and its line in the rule
# tests' SPEC_RULES list; with --new-check, also a check of its own (one file in
# src/checks/templates/, its module lines and its registry line). See CONTRIBUTING.md.
#
#   scripts/new-rule.sh ID --template TEMPLATE [--applies-to KIND]
#   scripts/new-rule.sh ID --new-check TEMPLATE [--applies-to KIND]
#
# ID and TEMPLATE are kebab-case; KIND is server, backup, request or operation (default
# request). Existing files are never overwritten. The files hold TODOs: `cargo test` fails
# until they are filled in.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
[ $# -ge 3 ] || usage
id=$1; shift
template="" new_check=0 kind=request
while [ $# -gt 0 ]; do
  case $1 in
    --template) template=${2:?}; shift 2 ;;
    --new-check) template=${2:?}; new_check=1; shift 2 ;;
    --applies-to) kind=${2:?}; shift 2 ;;
    *) usage ;;
  esac
done
kebab='^[a-z][a-z0-9-]*$'
[[ $id =~ $kebab ]] || { echo "rule id must be kebab-case: $id" >&2; exit 2; }
[[ $template =~ $kebab ]] || { echo "template must be kebab-case: $template" >&2; exit 2; }
case $kind in server|backup|request|operation) ;; *) echo "unknown kind: $kind" >&2; exit 2 ;; esac
[ -e "rules/$id.yaml" ] && { echo "rules/$id.yaml exists" >&2; exit 1; }

# A minimal entity of the kind, for examples and fixtures.
case $kind in
  server) entity="servers:
  - id: 877a2cda-ba63-4e1e-b95f-e67e48b6129a
    status: SHUTOFF" ;;
  backup) entity="backups:
  - id: 9b27efab-4a17-4c06-bfa2-3e0cf021d3c3
    status: available" ;;
  request) entity="requests:
  - name: web-01-whole
    instance_id: 877a2cda-ba63-4e1e-b95f-e67e48b6129a
    vault_id: de9fcf45-11b2-432c-8562-5c5428574600" ;;
  operation) entity="operations:
  - action: replicate
    image: web-01-whole
    target_region: cn-south-1" ;;
esac
indent() { sed 's/^/    /'; }

params="{}"
[ "$new_check" = 0 ] && params="{ TODO: the template's params, see rules/README.md }"
cat > "rules/$id.yaml" <<YAML
id: $id
title: "TODO: one line, what must hold"
severity: error
applies_to: [$kind]
source:
  document: "Huawei Cloud IMS API: 制作整机镜像 (POST /v1/cloudimages/wholeimages/action)"
  section: "TODO: the section of the page"
  quote: "TODO: the restriction, quoted in the page's own words"
  translation: "TODO: the quote in English"
rationale: |
  TODO: what goes wrong on the cloud when this is ignored (error code, lost data).
messages:
  main: "TODO: what is wrong with {entity}, with the finding's own values"
help: "TODO: one line, what to do"
remediation:
  - "TODO: the first concrete step, with the finding's own values"
  - "TODO: the next step"
check:
  template: $template
  params: $params
examples:
  pass: |
$(printf '%s\n' "$entity" | indent)
  fail: |
$(printf '%s\n' "$entity" | indent)
YAML

for side in pass fail; do
  mkdir -p "tests/fixtures/rules/$id/$side"
  marker=""
  [ $side = fail ] && marker="  # expect: $id"
  {
    echo "# $id: TODO: what this $side fixture shows (cite the source of real-world input)."
    printf '%s\n' "$entity" | sed "2s/\$/$marker/"
  } > "tests/fixtures/rules/$id/$side/$kind.yaml"
done

# The rule tests' list of known rules.
sed -i "s/^const SPEC_RULES: &\[&str\] = &\[\$/&\n    \"$id\",/" tests/rules.rs

if [ "$new_check" = 1 ]; then
  module=${template//-/_}
  type=$(echo "$template" | sed -E 's/(^|-)([a-z])/\U\2/g')
  file="src/checks/templates/$module.rs"
  [ -e "$file" ] && { echo "$file exists" >&2; exit 1; }
  cat > "$file" <<RUST
//! \`$template\`: TODO: what it checks (\`rules/$id.yaml\`).

use serde::Deserialize;

use crate::checks::{Check, Cx, Reads};
use crate::model::Entity;

/// The rule file's \`params\` (unknown ones are errors).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct $type {}

impl Check for $type {
    fn variants(&self) -> Vec<&'static str> {
        vec!["main"]
    }

    /// Judged one entity at a time, on its whole tree. A check that looks across entities
    /// returns \`Reads::inventory().fields(EntityKind::..., &[...])\` and implements
    /// \`check_inventory\` instead.
    fn reads(&self) -> Reads {
        Reads::each_entity()
    }

    fn check_entity(&self, e: &Entity, cx: &mut Cx) {
        // TODO: the logic; report with the entity's own values.
        if e.str("TODO").is_some() {
            cx.report(cx.hit(e, "main", e.key_place()).arg("value", "TODO"));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::Tester;

    #[test]
    fn todo_name_what_it_checks() {
        Tester::new("$template", "{}", "$kind")
            .pass("TODO: an inventory it passes")
            .fail("TODO: an inventory it fails", &["main"])
            .run();
    }
}
RUST
  sed -i "0,/^mod /s//mod $module;\nmod /" src/checks/templates/mod.rs
  sed -i "0,/^pub use /s//pub use $module::$type;\npub use /" src/checks/templates/mod.rs
  sed -i "s/^    \"engine\" => EngineMade,\$/    \"$template\" => $type,\n&/" src/checks/registry.rs
  echo "created $file; registered \`$template\` in src/checks/registry.rs"
fi
echo "created rules/$id.yaml and tests/fixtures/rules/$id/{pass,fail}/; added $id to tests/rules.rs"
echo "next: fill in the TODOs; \`cargo fmt\`; \`cargo test\`; \`cargo insta review\` (the rule's snapshot);"
echo "      the README's rule table: \`cargo run -- rules --format markdown\` between its markers"
