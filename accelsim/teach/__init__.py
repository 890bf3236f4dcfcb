"""The teaching kit: assignments with autograders (``accelsim grade``), the student copy
without solutions (``accelsim assignments export``). See docs/teaching.md."""
