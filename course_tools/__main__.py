from course_tools.cli import main

raise SystemExit(main())
