# Delivery to the hospital (against a real redis-server, fake platform) and the bookings report.
metrogw_cc_test(NAME booking_delivery_test
  SRCS delivery_test.cc delivery_entry_test.cc
  DEPS metrogw::booking metrogw::redis)
metrogw_cc_test(NAME booking_report_test
  SRCS report_test.cc
  DEPS metrogw::booking metrogw::redis)
