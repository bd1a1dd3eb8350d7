// hl7v3-cda codec: decode(encode(x)) == x for every kind the codec writes, for the samples
// (decode -> encode -> decode) and for hand-built canonical values covering the mapped fields.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "adapters/hl7v3/codec.h"
#include "adapters/mapping.h"
#include "tests/adapters/hl7v3/test_util.h"

namespace metrogw::adapters {
namespace {

using hl7v3::testing::jsonOf;
using hl7v3::testing::readSample;

template <class T, class... Args>
std::unique_ptr<T> make(Args&&... args) {
  return std::make_unique<T>(std::forward<Args>(args)...);
}

std::unique_ptr<model::IdentifierT> ident(std::string system, std::string value) {
  auto id = make<model::IdentifierT>();
  id->system = std::move(system);
  id->value = std::move(value);
  return id;
}

std::unique_ptr<model::CodingT> coding(std::string system, std::string code, std::string display) {
  auto c = make<model::CodingT>();
  c->system = std::move(system);
  c->code = std::move(code);
  c->display = std::move(display);
  return c;
}

std::unique_ptr<model::ReferenceT> ref(std::string kind, std::string system, std::string value,
                                       std::string display) {
  auto r = make<model::ReferenceT>();
  r->kind = std::move(kind);
  if (!value.empty()) r->identifier = ident(std::move(system), std::move(value));
  r->display = std::move(display);
  return r;
}

model::PatientT patient() {
  model::PatientT p;
  p.id = "P001";
  p.identifiers.push_back(ident("2.16.156.10011.2.5.1.4", "P001"));
  p.identifiers.push_back(ident(std::string(model::kResidentIdOid), "340202199001011234"));
  p.identifiers.push_back(ident(std::string(model::kHealthCardOid), "HC-77"));
  p.name = make<model::HumanNameT>();
  p.name->text = "王小明";
  p.gender = model::Gender::Female;
  p.birth_date = "1990-01-01";
  auto phone = make<model::ContactPointT>();
  phone->system = model::ContactSystem::Phone;
  phone->value = "13800000000";
  phone->use = "mobile";
  p.telecom.push_back(std::move(phone));
  auto addr = make<model::AddressT>();
  addr->province = "安徽省";
  addr->city = "芜湖市";
  addr->district = "镜湖区";
  addr->line = {"中山路", "8号"};
  addr->postal_code = "241000";
  addr->use = "home";
  p.address.push_back(std::move(addr));
  p.managing_organization = ref("Organization", "2.16.156.10011.1.5", "ORG1", "芜湖市第一人民医院");
  p.marital_status = coding("2.16.156.10011.2.3.3.5", "20", "已婚");
  p.ethnicity = coding("2.16.156.10011.2.3.3.3", "01", "汉族");
  return p;
}

template <class T>
void expectRoundTrip(T body, std::string_view root, std::string in_reply_to = {}) {
  model::EnvelopeT env = model::envelopeOf(std::move(body));
  env.message_id = "msg-1";
  env.sent = "2025-03-01T08:30:00+08:00";
  env.in_reply_to = std::move(in_reply_to);
  auto xml = hl7v3CdaCodec().encode(env);
  ASSERT_TRUE(xml.isOk()) << xml.status().toString();
  EXPECT_NE(xml->find(std::string("<") + std::string(root)), std::string::npos) << *xml;
  auto back = hl7v3CdaCodec().decode(*xml);
  ASSERT_TRUE(back.isOk()) << back.status().toString() << "\n" << *xml;
  if (root == "ClinicalDocument") {  // documents carry no wrapper: only the id comes back
    env.sent.clear();
    back->message_id = env.message_id;
  }
  EXPECT_TRUE(back.value() == env) << jsonOf(env) << "\n" << jsonOf(back.value()) << "\n" << *xml;
}

TEST(Hl7v3RoundTrip, Samples) {
  for (const char* name : {"PRPA_IN201311UV02-patient-register.xml", "PRPA_IN201305UV02-patient-query.xml",
                           "C0007-lab-report.xml", "C0001-record-summary.xml"}) {
    auto env = hl7v3CdaCodec().decode(readSample(name));
    ASSERT_TRUE(env.isOk()) << name;
    auto xml = hl7v3CdaCodec().encode(*env);
    ASSERT_TRUE(xml.isOk()) << name;
    auto back = hl7v3CdaCodec().decode(*xml);
    ASSERT_TRUE(back.isOk()) << name << back.status().toString();
    EXPECT_TRUE(back.value() == env.value()) << name << "\n" << jsonOf(*env) << "\n" << jsonOf(*back);
  }
}

TEST(Hl7v3RoundTrip, PatientRegister) { expectRoundTrip(patient(), "PRPA_IN201311UV02"); }

TEST(Hl7v3RoundTrip, PatientQuery) {
  model::QueryT q;
  q.kind = model::QueryKind::Patients;
  q.limit = 10;
  q.patient = make<model::PatientT>();
  q.patient->identifiers.push_back(ident(std::string(model::kResidentIdOid), "340202199001011234"));
  q.patient->name = make<model::HumanNameT>();
  q.patient->name->text = "王小明";
  q.patient->gender = model::Gender::Female;
  q.patient->birth_date = "1990-01-01";
  expectRoundTrip(std::move(q), "PRPA_IN201305UV02");
}

TEST(Hl7v3RoundTrip, PatientQueryResponse) {
  model::SearchResultT r;
  r.patients.push_back(make<model::PatientT>(patient()));
  r.total = 1;
  expectRoundTrip(std::move(r), "PRPA_IN201306UV02", "query-7");
}

TEST(Hl7v3RoundTrip, Acknowledgement) {
  model::ProblemT p;
  p.type = "urn:metrogw:problem:consent-denied";
  p.title = "consent denied";
  p.detail = "no consent for recipient";
  p.status = 403;
  expectRoundTrip(std::move(p), "MCCI_IN000002UV01", "req-1");
  model::ProblemT ok;
  ok.status = 200;
  expectRoundTrip(std::move(ok), "MCCI_IN000002UV01", "req-2");
}

TEST(Hl7v3RoundTrip, SlotQuery) {
  model::QueryT q;
  q.kind = model::QueryKind::Slots;
  q.cities = {"3201", "3405"};
  q.organization_id = "GULOU";
  q.department_code = "03";
  q.service_code = "expert";
  q.practitioner_id = "DR9";
  q.from = "2025-03-02";
  q.to = "2025-03-09";
  q.family_doctor = true;
  q.purpose = "referral";
  q.limit = 20;
  expectRoundTrip(std::move(q), "PRSC_IN010201UV01");
}

// The next page of a slot search: the previous answer's queryAck/queryId goes back as a
// continuation (an adapter that dropped it made every page the first one).
TEST(Hl7v3RoundTrip, SlotQueryContinuation) {
  model::QueryT q;
  q.kind = model::QueryKind::Slots;
  q.cities = {"3205"};
  q.from = "2025-03-02";
  q.to = "2025-03-09";
  q.limit = 500;
  q.page_token = "500";
  auto xml = hl7v3CdaCodec().encode(model::envelopeOf(model::QueryT(q)));
  ASSERT_TRUE(xml.isOk()) << xml.status().toString();
  EXPECT_NE(xml->find("<statusCode code=\"waitContinuedQueryResponse\"/>"), std::string::npos) << *xml;
  EXPECT_NE(xml->find("<queryId extension=\"500\"/>"), std::string::npos) << *xml;
  expectRoundTrip(std::move(q), "PRSC_IN010201UV01");
}

// Shared-document queries: a patient's lab reports in a period, one lab report, the record summary.
TEST(Hl7v3RoundTrip, DocumentQueries) {
  model::QueryT search;
  search.kind = model::QueryKind::LabReports;
  search.patient = make<model::PatientT>();
  search.patient->id = "MAS-000123";
  search.from = "2025-02-01";
  search.to = "2025-03-01";
  search.purpose = "treatment";
  search.limit = 20;
  expectRoundTrip(std::move(search), "RCMR_IN000031UV01");

  model::QueryT one;
  one.kind = model::QueryKind::LabReport;
  one.id = "LAB-42";
  expectRoundTrip(std::move(one), "RCMR_IN000031UV01");

  model::QueryT summary;
  summary.kind = model::QueryKind::RecordSummary;
  summary.patient = make<model::PatientT>();
  summary.patient->id = "MAS-000123";
  auto xml = hl7v3CdaCodec().encode(model::envelopeOf(model::QueryT(summary)));
  ASSERT_TRUE(xml.isOk()) << xml.status().toString();
  EXPECT_NE(xml->find("code=\"C0001\""), std::string::npos) << *xml;
  expectRoundTrip(std::move(summary), "RCMR_IN000031UV01");
}

TEST(Hl7v3RoundTrip, SlotResponse) {
  model::SearchResultT r;
  auto s = make<model::SlotT>();
  s->id = "slot-1";
  s->identifiers.push_back(ident("2.16.156.10011.1.5.3201.9", "HIS-42"));
  auto type = make<model::CodeableConceptT>();
  mapInto(Table::kDepartments, "urn:metrogw:codes:department", "03", "", *type);
  s->service_type.push_back(std::move(type));
  s->status = model::SlotStatus::BusyTentative;
  s->start = "2025-03-02T08:00:00+08:00";
  s->end = "2025-03-02T08:30:00+08:00";
  s->capacity = 6;
  s->booked = 2;
  s->reserved_family_doctor = 2;
  s->overbooked = true;
  s->comment = "上午专家号";
  s->practitioner = ref("Practitioner", "2.16.156.10011.1.4", "DR9", "张医生");
  s->department = ref("Department", "2.16.156.10011.1.26", "D03", "内科");
  s->organization = ref("Organization", "2.16.156.10011.1.5", "GULOU", "南京鼓楼医院");
  s->schedule = ref("Schedule", "urn:metrogw:schedule", "S1", "");
  r.slots.push_back(std::move(s));
  r.slots.push_back(make<model::SlotT>());
  r.total = 14;
  r.next_page_token = "page-2";
  expectRoundTrip(std::move(r), "PRSC_IN010202UV01", "q-slots");
}

TEST(Hl7v3RoundTrip, BookAndCancel) {
  model::CommandT c;
  c.action = model::CommandAction::Book;
  c.slot_id = "slot-1";
  c.hold_id = "hold-9";
  c.patient = make<model::PatientT>(patient());
  c.requester = ref("Practitioner", "2.16.156.10011.1.4", "FD1", "李家庭医生");
  c.family_doctor = true;
  c.reason = "复诊";
  c.idempotency_key = "idem-1";
  expectRoundTrip(std::move(c), "PRPA_IN410001UV");
  model::CommandT cancel;
  cancel.action = model::CommandAction::Cancel;
  cancel.appointment_id = "apt-5";
  cancel.reason = "患者取消";
  expectRoundTrip(std::move(cancel), "PRPA_IN410003UV");
}

TEST(Hl7v3RoundTrip, BookingConfirmation) {
  model::AppointmentT a;
  a.id = "apt-5";
  a.identifiers.push_back(ident("2.16.156.10011.1.5.3201.9", "REG-1"));
  a.status = model::AppointmentStatus::Booked;
  a.start = "2025-03-02T08:00:00+08:00";
  a.end = "2025-03-02T08:30:00+08:00";
  a.created = "2025-03-01T09:00:00+08:00";
  a.description = "心内科专家门诊";
  a.patient = make<model::PatientT>(patient());
  a.booked_by = ref("Practitioner", "2.16.156.10011.1.4", "FD1", "李家庭医生");
  auto slot = make<model::ReferenceT>();
  slot->kind = "Slot";
  slot->id = "slot-1";
  a.slots.push_back(std::move(slot));
  expectRoundTrip(std::move(a), "PRPA_IN410002UV", "book-1");
}

TEST(Hl7v3RoundTrip, OrganizationQueryAndResponse) {
  model::QueryT q;
  q.kind = model::QueryKind::Organizations;
  q.cities = {"3402"};
  q.text = "人民医院";
  q.organization_id = "ORG1";
  expectRoundTrip(std::move(q), "PRPM_IN406010UV01");

  model::SearchResultT r;
  auto o = make<model::OrganizationT>();
  o->id = "ORG1";
  o->identifiers.push_back(ident("2.16.156.10011.1.5", "12340200485950123A"));
  o->name = "芜湖市第一人民医院";
  o->city = "3402";
  o->grade = model::HospitalGrade::Tertiary;
  o->grade_class = "甲";
  o->type = coding("2.16.156.10011.2.3.2.50", "A100", "综合医院");
  o->address = make<model::AddressT>();
  o->address->city = "芜湖市";
  auto tel = make<model::ContactPointT>();
  tel->system = model::ContactSystem::Phone;
  tel->value = "0553-1234567";
  o->telecom.push_back(std::move(tel));
  o->part_of = ref("Organization", "2.16.156.10011.1.5", "GROUP1", "皖南医疗集团");
  r.organizations.push_back(std::move(o));
  r.total = 1;
  expectRoundTrip(std::move(r), "PRPM_IN406110UV01", "q-org");
}

model::LabReportT labReport() {
  model::LabReportT r;
  r.id = "LR-1";
  r.identifiers.push_back(ident("2.16.156.10011.1.33", "RPT-9"));
  r.status = model::ReportStatus::Final;
  r.category = make<model::CodeableConceptT>();
  r.category->text = "生化";
  r.patient = make<model::PatientT>(patient());
  r.organization = ref("Organization", "2.16.156.10011.1.5", "ORG1", "芜湖市第一人民医院");
  r.performer = ref("Practitioner", "2.16.156.10011.1.7", "T1", "赵检验");
  r.department = ref("Department", "2.16.156.10011.1.26", "D1", "检验科");
  r.ordered_by = ref("Organization", "2.16.156.10011.1.5", "ORG2", "镜湖社区卫生服务中心");
  r.effective = "2025-03-01T07:45:00+08:00";
  r.issued = "2025-03-01T11:00:00+08:00";
  r.specimen = make<model::SpecimenT>();
  r.specimen->type = make<model::CodeableConceptT>();
  r.specimen->type->coding = coding("2.16.156.10011.2.3.2.41", "1", "血清");
  r.specimen->collected = "2025-03-01T07:45:00+08:00";
  r.specimen->received = "2025-03-01T08:10:00+08:00";
  auto glu = make<model::ObservationT>();
  glu->id = "1";
  glu->code = make<model::CodeableConceptT>();
  mapInto(Table::kLabItems, "2.16.156.10011.1.5.3402.lis", "GLU", "葡萄糖", *glu->code);
  glu->status = model::ReportStatus::Final;
  glu->value_type = model::ValueType::Quantity;
  glu->value = "7.8";
  glu->unit = "mmol/L";
  glu->reference_range = make<model::ReferenceRangeT>();
  glu->reference_range->low = "3.9";
  glu->reference_range->high = "6.1";
  glu->reference_range->unit = "mmol/L";
  glu->reference_range->text = "3.9-6.1";
  glu->interpretation = model::Interpretation::High;
  glu->effective = "2025-03-01T10:30:00+08:00";
  r.observations.push_back(std::move(glu));
  auto hbsag = make<model::ObservationT>();
  hbsag->id = "2";
  hbsag->code = make<model::CodeableConceptT>();
  mapInto(Table::kLabItems, "2.16.156.10011.1.5.3402.lis", "HBSAG", "乙肝表面抗原", *hbsag->code);
  hbsag->status = model::ReportStatus::Final;
  hbsag->value_type = model::ValueType::Text;
  hbsag->value = "阴性";
  hbsag->interpretation = model::Interpretation::Normal;
  hbsag->interpretation_code = coding("2.16.156.10011.2.3.2.38", "2", "正常");
  r.observations.push_back(std::move(hbsag));
  r.conclusion = "血糖偏高";
  return r;
}

TEST(Hl7v3RoundTrip, LabReportDocument) { expectRoundTrip(labReport(), "ClinicalDocument"); }

TEST(Hl7v3RoundTrip, LabReportRetrieveResponse) {
  model::SearchResultT r;
  r.lab_reports.push_back(make<model::LabReportT>(labReport()));
  model::LabReportT second = labReport();
  second.id = "LR-2";
  second.status = model::ReportStatus::Preliminary;
  for (auto& o : second.observations) o->status = model::ReportStatus::Preliminary;
  r.lab_reports.push_back(make<model::LabReportT>(std::move(second)));
  r.total = 2;
  expectRoundTrip(std::move(r), "RCMR_IN000032UV01", "retrieve-1");
}

TEST(Hl7v3RoundTrip, RecordSummaryDocument) {
  model::RecordSummaryT s;
  s.id = "RS-1";
  s.title = "病历概要";
  s.effective = "2025-03-01T12:00:00+08:00";
  s.patient = make<model::PatientT>(patient());
  s.author = ref("Practitioner", "2.16.156.10011.1.7", "DR1", "钱医生");
  s.custodian = ref("Organization", "2.16.156.10011.1.5", "ORG1", "芜湖市第一人民医院");
  auto dx = make<model::ConditionT>();
  dx->code = make<model::CodeableConceptT>();
  dx->code->coding = coding("2.16.156.10011.2.3.3.11.1", "I10", "原发性高血压");
  dx->onset = "2024-06-01";
  dx->note = "好转";
  s.problems.push_back(std::move(dx));
  auto allergy = make<model::AllergyT>();
  allergy->substance = make<model::CodeableConceptT>();
  allergy->substance->text = "青霉素";
  s.allergies.push_back(std::move(allergy));
  auto med = make<model::MedicationT>();
  med->code = make<model::CodeableConceptT>();
  med->code->text = "氨氯地平";
  med->dose = "5mg qd";
  s.medications.push_back(std::move(med));
  auto enc = make<model::EncounterT>();
  enc->id = "MZ-1";
  enc->encounter_class = coding("2.16.156.10011.2.3.1.271", "1", "门诊");
  enc->department = make<model::ReferenceT>();
  enc->department->kind = "Department";
  enc->department->display = "心内科";
  enc->period = make<model::PeriodT>();
  enc->period->start = "2025-02-01T09:00:00+08:00";
  enc->period->end = "2025-02-01T10:00:00+08:00";
  s.encounters.push_back(std::move(enc));
  auto bp = make<model::ObservationT>();
  bp->code = make<model::CodeableConceptT>();
  bp->code->coding = coding("2.16.156.10011.2.2.1", "DE04.10.174.00", "收缩压");
  bp->value_type = model::ValueType::Quantity;
  bp->value = "150";
  bp->unit = "mmHg";
  bp->effective = "2025-02-01T09:10:00+08:00";
  s.observations.push_back(std::move(bp));
  expectRoundTrip(std::move(s), "ClinicalDocument");
}

TEST(Hl7v3RoundTrip, EscapesMarkupInValues) {
  model::PatientT p = patient();
  p.name->text = "A&B <\"C\">";
  p.address[0]->text = "x'y\"z<&>";
  expectRoundTrip(std::move(p), "PRPA_IN201311UV02");
}

}  // namespace
}  // namespace metrogw::adapters
