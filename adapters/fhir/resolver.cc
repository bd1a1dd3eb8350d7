// Reference resolution inside one message (contained resources, Bundle entries).
#include "adapters/fhir/resources.h"

namespace metrogw::adapters::fhir {

StatusOr<std::string> resourceTypeOf(const Node& res) {
  RETURN_IF_ERROR(expectObject(res));
  const JsonValue* type = res.find("resourceType");
  if (type == nullptr) return res.missing("resourceType");
  if (!isString(*type)) return Node(*type, &res, "resourceType").error("expected a string");
  return std::string(stringOf(*type));
}

Status Resolver::addTarget(const Node& resource, std::string full_url, bool contained, std::string mode) {
  ASSIGN_OR_RETURN(std::string kind, resourceTypeOf(resource));
  std::string id;
  RETURN_IF_ERROR(getString(resource, "id", id));
  targets_.push_back(
      Target{std::move(full_url), std::move(kind), std::move(id), std::move(mode), &resource, contained});
  return Status::ok();
}

Status Resolver::addContained(const Node& owner) {
  const JsonValue* arr = owner.find("contained");
  if (arr == nullptr) return Status::ok();
  const Node& list = nodes_.emplace_back(*arr, &owner, "contained");
  if (!arr->IsArray()) return list.error("expected an array");
  for (rapidjson::SizeType i = 0; i < arr->Size(); ++i) {
    const Node& res = nodes_.emplace_back((*arr)[i], &list, i);
    RETURN_IF_ERROR(addTarget(res, {}, true, {}));
  }
  return Status::ok();
}

Status Resolver::addEntries(const Node& bundle) {
  const JsonValue* arr = bundle.find("entry");
  if (arr == nullptr) return Status::ok();
  const Node& list = nodes_.emplace_back(*arr, &bundle, "entry");
  if (!arr->IsArray()) return list.error("expected an array");
  for (rapidjson::SizeType i = 0; i < arr->Size(); ++i) {
    const Node& entry = nodes_.emplace_back((*arr)[i], &list, i);
    RETURN_IF_ERROR(expectObject(entry));
    const JsonValue* resource = entry.find("resource");
    if (resource == nullptr) continue;
    std::string full_url;
    std::string mode;
    RETURN_IF_ERROR(getString(entry, "fullUrl", full_url));
    RETURN_IF_ERROR(withObject(entry, "search", [&](const Node& s) { return getString(s, "mode", mode); }));
    const Node& res = nodes_.emplace_back(*resource, &entry, "resource");
    RETURN_IF_ERROR(addTarget(res, std::move(full_url), false, std::move(mode)));
  }
  return Status::ok();
}

const Node* Resolver::resolve(std::string_view reference) const {
  if (!reference.empty() && reference[0] == '#') {
    for (const Target& t : targets_) {
      if (t.contained && !t.id.empty() && t.id == reference.substr(1)) {
        t.used = true;
        return t.node;
      }
    }
    return outer_ != nullptr ? outer_->resolve(reference) : nullptr;
  }
  for (const Target& t : targets_) {
    if (!t.contained && t.mode != "match" && !t.full_url.empty() && t.full_url == reference) {
      t.used = true;
      return t.node;
    }
  }
  std::string kind;
  std::string id;
  splitReference(reference, kind, id);
  for (const Target& t : targets_) {
    if (!t.contained && t.mode != "match" && !kind.empty() && !id.empty() && t.kind == kind && t.id == id) {
      t.used = true;
      return t.node;
    }
  }
  return outer_ != nullptr ? outer_->resolve(reference) : nullptr;
}

}  // namespace metrogw::adapters::fhir
