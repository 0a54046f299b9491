"""What the widget tests look for in a view's HTML."""

PNG_IMG = '<img class="ma-chart" src="data:image/png;base64,iVBORw0KGgo'  # a PNG chart, with alt text
